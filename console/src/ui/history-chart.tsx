// A datastream's values over a window, drawn by uPlot (canvas; it sizes its elements through the CSSOM, which
// the console's CSP allows, never through style attributes). The readout below it names the value under the
// pointer, the tapped point or, by keyboard, the point the arrow keys reach.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { describePoint, formatValue, type Series } from '../history';

const HEIGHT = 200;

const clockFor = (spanMs: number) => (ms: number) =>
  spanMs > 2 * 86_400_000
    ? new Date(ms).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' })
    : new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

const tickFor = (spanMs: number) => (ms: number) =>
  spanMs > 2 * 86_400_000
    ? new Date(ms).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric' })
    : new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * uPlot's columns: times, then avg (and min, max for buckets, drawn thin). A bucket is drawn at its middle, kept
 * inside the window (the current bucket's middle may lie after now, the first's before the window's start).
 */
function columns(s: Series): uPlot.AlignedData {
  const t = s.points.map((p) => Math.min(s.to, Math.max(s.from, p.t + (s.bucketMs ?? 0) / 2)));
  const avg = s.points.map((p) => p.avg);
  if (s.bucketMs === null) return [t, avg];
  return [t, avg, s.points.map((p) => p.min), s.points.map((p) => p.max)];
}

function options(el: HTMLElement, now: () => Series, name: string, onCursor: (u: uPlot) => void): uPlot.Options {
  const s = now();
  const css = getComputedStyle(el);
  const color = (v: string) => css.getPropertyValue(v).trim();
  const span = s.to - s.from;
  const tick = tickFor(span);
  const axis = { stroke: color('--muted'), grid: { stroke: color('--line'), width: 1 }, font: '12px system-ui' };
  const thin = { stroke: color('--muted'), width: 1, dash: [4, 3], points: { show: false } };
  return {
    width: Math.max(200, el.clientWidth),
    height: HEIGHT,
    ms: 1,
    legend: { show: false },
    cursor: { y: false, drag: { x: false, y: false }, points: { size: 8 } },
    // The x scale is the window, not the data's extent (the window slides as live values arrive).
    scales: { x: { time: true, range: () => [now().from, now().to] } },
    series: [
      {},
      { label: s.bucketMs === null ? name : `${name} (avg)`, stroke: color('--accent'), width: 2 },
      ...(s.bucketMs === null
        ? []
        : [
            { ...thin, label: 'min' },
            { ...thin, label: 'max' },
          ]),
    ],
    axes: [
      { ...axis, label: 'time', labelSize: 20, values: (_u, splits) => splits.map(tick) },
      { ...axis, label: name, labelSize: 20, size: 56, values: (_u, splits) => splits.map(formatValue) },
    ],
    hooks: {
      setCursor: [onCursor],
      // What was drawn (points and ticks) on the element, for tests and for anyone reading the DOM.
      draw: [
        (u) => {
          el.dataset.points = String(u.data[0].length);
          el.dataset.xTicks = ticksOf(u, 0);
          el.dataset.yTicks = ticksOf(u, 1);
        },
      ],
    },
  };
}

/** The tick labels an axis drew (uPlot keeps them on the axis as `_values`). */
const ticksOf = (u: uPlot, i: number) =>
  ((u.axes[i] as { _values?: (string | number | null)[] })._values ?? []).filter((v) => v !== null).join('|');

export function HistoryChart({ series, name, label }: { series: Series; name: string; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const current = useRef(series);
  const [idx, setIdx] = useState<number | null>(null);
  current.current = series;
  const clock = clockFor(series.to - series.from);
  const key = `${series.bucketMs}:${series.to - series.from}`;

  // One uPlot per window kind (its axes' format depends on the span); new data goes in with setData.
  useEffect(() => {
    const el = box.current!;
    const u = new uPlot(
      options(
        el,
        () => current.current,
        name,
        (p) => setIdx(p.cursor.idx ?? null),
      ),
      columns(current.current),
      el,
    );
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    // A tap puts the cursor on the nearest point and keeps it there (a touch has no hover).
    const tap = (e: PointerEvent) => {
      if (e.pointerType === 'mouse') return;
      const r = u.over.getBoundingClientRect();
      u.setCursor({ left: e.clientX - r.left, top: e.clientY - r.top });
    };
    u.over.addEventListener('pointerdown', tap);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [name, key]);

  useEffect(() => {
    const u = plot.current;
    if (u) u.setData(columns(series));
  }, [series]);

  /** Arrow keys walk the points; Home/End jump to the first/last. */
  const onKey = (e: KeyboardEvent) => {
    const u = plot.current;
    const n = series.points.length;
    if (!u || n === 0) return;
    const at = idx ?? n;
    const next = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: n - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const i = Math.min(n - 1, Math.max(0, next));
    const x = u.data[0][i];
    const y = u.data[1][i] ?? 0;
    u.setCursor({ left: u.valToPos(x, 'x'), top: u.valToPos(y, 'y') });
  };

  const shown = idx !== null ? series.points[idx] : undefined;
  const last = series.points[series.points.length - 1];
  return (
    <figure class="history-chart">
      <div
        ref={box}
        class="history-plot"
        tabIndex={0}
        role="img"
        aria-label={label}
        aria-describedby={`readout-${name}`}
        onKeyDown={onKey}
        onFocus={() => idx === null && onKey(new KeyboardEvent('keydown', { key: 'End' }))}
      />
      <figcaption id={`readout-${name}`} class="readout" aria-live="polite" data-testid="readout">
        {shown
          ? describePoint(shown, series.bucketMs, clock)
          : last
            ? `Latest ${describePoint(last, series.bucketMs, clock)} · hover, tap or focus the chart for values`
            : 'No numeric values in this window.'}
      </figcaption>
    </figure>
  );
}
