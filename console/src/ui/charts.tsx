// The attempt chart, in SVG: geometry in attributes only (no style attributes, which the CSP forbids).

export interface Bucket {
  start: number;
  delivered: number;
  failed: number;
  retried: number;
}

const SERIES = ['delivered', 'retried', 'failed'] as const;

/** The count axis' top: a round even number at least `max` (2, 4 or 10 × 10^n), so its middle tick is whole. */
function niceMax(max: number): number {
  const raw = Math.max(1, max);
  const p = 10 ** Math.floor(Math.log10(raw));
  return [2, 4, 10].map((m) => m * p).find((v) => v >= raw) ?? 10 * p;
}

const clock = (ms: number, spanMs: number) =>
  spanMs > 86_400_000
    ? new Date(ms).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric' })
    : new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * Attempts per time bucket, stacked: delivered (bottom), retried, failed. Axes in HTML around the SVG (count on
 * the left, time below), so their text keeps its size at any width; bars say their numbers on hover.
 */
export function DeliveryChart({ buckets, label, bucketMs }: { buckets: Bucket[]; label: string; bucketMs: number }) {
  const w = 600;
  const h = 160;
  const top = niceMax(Math.max(0, ...buckets.map((b) => b.delivered + b.failed + b.retried)));
  const bw = w / Math.max(1, buckets.length);
  const first = buckets[0]?.start ?? 0;
  const end = (buckets[buckets.length - 1]?.start ?? 0) + bucketMs;
  const span = end - first;
  return (
    <figure class="chart-box" aria-label={label}>
      <div class="y-title">attempts</div>
      <div class="y-axis" aria-hidden="true">
        <span>{top}</span>
        <span>{top / 2}</span>
        <span>0</span>
      </div>
      <svg class="chart" viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" role="img" aria-label={label}>
        {[0, 0.5, 1].map((f) => (
          <line key={f} class="grid-line" x1="0" x2={w} y1={h - f * h} y2={h - f * h} />
        ))}
        {buckets.map((b, i) => {
          let y = h;
          return (
            <g key={b.start} data-bucket={b.start}>
              <title>{`${new Date(b.start).toLocaleString()}: ${b.delivered} delivered, ${b.retried} retried, ${b.failed} failed`}</title>
              {SERIES.map((k) => {
                const bh = (b[k] / top) * h;
                y -= bh;
                return <rect key={k} class={`bar-${k}`} x={i * bw + 1} y={y} width={Math.max(1, bw - 2)} height={bh} />;
              })}
            </g>
          );
        })}
      </svg>
      <div class="x-axis" aria-hidden="true">
        <span>{clock(first, span)}</span>
        <span>{clock(first + span / 2, span)}</span>
        <span>{clock(end, span)}</span>
      </div>
      <div class="x-title">time</div>
    </figure>
  );
}
