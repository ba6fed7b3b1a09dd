import type { Second } from './timeline.js';

const W = 900;
const PANEL = 220;
const PAD = { left: 60, right: 20, top: 30, bottom: 30 };

function panel(
  y0: number,
  title: string,
  series: { label: string; color: string; values: number[] }[],
  unit: string,
): string {
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const max = Math.max(1, ...series.flatMap((s) => s.values)) * 1.1;
  const x = (i: number) => PAD.left + (i / Math.max(1, n - 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => y0 + PAD.top + (1 - v / max) * (PANEL - PAD.top - PAD.bottom);
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const v = max * f;
      return (
        `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>` +
        `<text x="${PAD.left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${v >= 100 ? v.toFixed(0) : v.toFixed(1)}</text>`
      );
    })
    .join('');
  const ticks = Array.from({ length: Math.min(n, 10) }, (_, k) =>
    Math.round((k / Math.max(1, Math.min(n, 10) - 1)) * (n - 1)),
  )
    .map((i) => `<text x="${x(i)}" y="${y0 + PANEL - 10}" text-anchor="middle" font-size="11">${i}s</text>`)
    .join('');
  const lines = series
    .map(
      (s) =>
        `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`,
    )
    .join('');
  const legend = series
    .map(
      (s, k) =>
        `<rect x="${W - PAD.right - 110 * (series.length - k)}" y="${y0 + 8}" width="12" height="12" fill="${s.color}"/>` +
        `<text x="${W - PAD.right - 110 * (series.length - k) + 16}" y="${y0 + 18}" font-size="12">${s.label}</text>`,
    )
    .join('');
  return `<text x="${PAD.left}" y="${y0 + 18}" font-size="14" font-weight="bold">${title} (${unit})</text>${grid}${ticks}${lines}${legend}`;
}

/** An SVG of requests per second and latency percentiles over time, readable in any browser. */
export function timelineChart(title: string, seconds: Second[]): string {
  const body = [
    panel(
      30,
      'Throughput',
      [{ label: 'requests/s', color: '#2b6cb0', values: seconds.map((s) => s.requests) }],
      'requests per second',
    ),
    panel(
      30 + PANEL,
      'Latency',
      [
        { label: 'p50', color: '#38a169', values: seconds.map((s) => s.p50Ms) },
        { label: 'p95', color: '#d69e2e', values: seconds.map((s) => s.p95Ms) },
        { label: 'p99', color: '#e53e3e', values: seconds.map((s) => s.p99Ms) },
      ],
      'ms',
    ),
  ].join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${30 + 2 * PANEL}" font-family="sans-serif">` +
    `<rect width="100%" height="100%" fill="white"/><text x="${PAD.left}" y="20" font-size="16">${title}</text>${body}</svg>\n`
  );
}
