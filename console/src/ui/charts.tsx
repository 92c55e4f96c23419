// Small SVG charts: geometry in attributes only (no style attributes, which the CSP forbids).

export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const w = 160;
  const h = 36;
  if (values.length === 0) return null;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const step = values.length > 1 ? w / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(h - 2 - ((v - min) / span) * (h - 4)).toFixed(1)}`);
  return (
    <svg class="sparkline" viewBox={`0 0 ${w} ${h}`} width={w} height={h} role="img" aria-label={label}>
      <polyline points={points.join(' ')} fill="none" stroke="currentColor" stroke-width="2" />
      {values.length === 1 && <circle cx="2" cy={h / 2} r="2" fill="currentColor" />}
    </svg>
  );
}

export interface Bucket {
  start: number;
  delivered: number;
  failed: number;
}

/** Delivered (bottom) and failed (top) per time bucket, stacked. */
export function DeliveryChart({ buckets, label }: { buckets: Bucket[]; label: string }) {
  const w = 600;
  const h = 120;
  const max = Math.max(1, ...buckets.map((b) => b.delivered + b.failed));
  const bw = w / Math.max(1, buckets.length);
  return (
    <svg class="chart" viewBox={`0 0 ${w} ${h + 4}`} preserveAspectRatio="none" role="img" aria-label={label}>
      {buckets.map((b, i) => {
        const dh = (b.delivered / max) * h;
        const fh = (b.failed / max) * h;
        return (
          <g key={b.start}>
            <title>{`${new Date(b.start).toLocaleString()}: ${b.delivered} delivered, ${b.failed} failed`}</title>
            <rect class="bar-ok" x={i * bw + 1} y={h - dh} width={Math.max(1, bw - 2)} height={dh} />
            <rect class="bar-failed" x={i * bw + 1} y={h - dh - fh} width={Math.max(1, bw - 2)} height={fh} />
          </g>
        );
      })}
      <line x1="0" y1={h} x2={w} y2={h} stroke="currentColor" stroke-width="1" />
    </svg>
  );
}
