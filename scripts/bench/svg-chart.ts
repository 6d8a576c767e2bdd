/**
 * Line charts as SVG text, for the pictures docs/PERFORMANCE.md shows beside its tables: the bench
 * writes them, so no browser or charting package is needed. A chart is a pure function of its data.
 */

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [x: number, y: number])[];
}

export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Where the x ticks go and what they read; by default five evenly spaced values. */
  readonly xTicks?: readonly (readonly [x: number, label: string])[];
}

const width = 640;
const height = 360;
const margin = { left: 64, right: 168, top: 36, bottom: 48 };
const colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"];

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A round step that splits [0, max] into about five intervals. */
export function niceStep(max: number): number {
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  return ([1, 2, 5, 10].find((m) => m * magnitude >= rough) ?? 10) * magnitude;
}

const fixed = (value: number) => String(Math.round(value * 10) / 10);

export function lineChart(chart: LineChart): string {
  const points = chart.series.flatMap((s) => s.points);
  if (points.length === 0) throw new Error(`chart "${chart.title}" has no points`);
  const xMin = Math.min(...points.map(([x]) => x));
  const xMax = Math.max(xMin + 1, ...points.map(([x]) => x));
  const yTop = Math.max(1, ...points.map(([, y]) => y));
  const yStep = niceStep(yTop);
  const yMax = yStep * Math.ceil(yTop / yStep);
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const px = (x: number) => margin.left + ((x - xMin) / (xMax - xMin)) * plotWidth;
  const py = (y: number) => margin.top + plotHeight - (y / yMax) * plotHeight;
  const xTicks = chart.xTicks ?? [0, 1, 2, 3, 4].map((i) => xMin + ((xMax - xMin) * i) / 4).map((x) => [x, fixed(x)] as const);
  const yTicks = Array.from({ length: Math.round(yMax / yStep) + 1 }, (_, i) => i * yStep);
  const text = (x: number, y: number, content: string, attributes = "") => `<text x="${fixed(x)}" y="${fixed(y)}"${attributes}>${escapeXml(content)}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    text(width / 2 - margin.right / 2, 20, chart.title, ' text-anchor="middle" font-size="14"'),
    ...yTicks.map((y) => `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${fixed(py(y))}" y2="${fixed(py(y))}" stroke="#ddd"/>`),
    ...yTicks.map((y) => text(margin.left - 6, py(y) + 4, fixed(y), ' text-anchor="end"')),
    ...xTicks.map(([x, label]) => text(px(x), margin.top + plotHeight + 16, label, ' text-anchor="middle"')),
    `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight}" stroke="black"/>`,
    text(margin.left + plotWidth / 2, height - 10, chart.xLabel, ' text-anchor="middle"'),
    text(16, margin.top + plotHeight / 2, chart.yLabel, ` text-anchor="middle" transform="rotate(-90 16 ${fixed(margin.top + plotHeight / 2)})"`),
    ...chart.series.flatMap((s, i) => {
      const colour = colours[i % colours.length];
      const legendY = margin.top + 8 + i * 18;
      return [
        `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${s.points.map(([x, y]) => `${fixed(px(x))},${fixed(py(y))}`).join(" ")}"/>`,
        `<line x1="${width - margin.right + 12}" x2="${width - margin.right + 32}" y1="${legendY}" y2="${legendY}" stroke="${colour}" stroke-width="2"/>`,
        text(width - margin.right + 38, legendY + 4, s.name),
      ];
    }),
    "</svg>",
    "",
  ].join("\n");
}
