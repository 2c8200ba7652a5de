/// Histogram of precomputed bin counts over [lo, hi] (counts from batch/stats.ts histogramCounts).
import { axis, colors, renderChart } from './register';

export interface HistogramOptions {
  title: string;
  xTitle: string;
  counts: number[];
  lo: number;
  hi: number;
  /// Bin labels as percentages (values are probabilities).
  asPercent?: boolean;
}

export function drawHistogram(canvas: HTMLCanvasElement, o: HistogramOptions): void {
  const width = (o.hi - o.lo) / o.counts.length || 1;
  const f = (x: number) => (o.asPercent ? `${(x * 100).toFixed(x * 100 < 10 && width < 0.01 ? 1 : 0)}%` : x.toFixed(2));
  renderChart(canvas, {
    type: 'bar',
    data: {
      labels: o.counts.map((_, i) => `${f(o.lo + i * width)}–${f(o.lo + (i + 1) * width)}`),
      datasets: [{ label: 'Rows', data: o.counts, backgroundColor: colors.accent, barPercentage: 1, categoryPercentage: 0.95 }],
    },
    options: {
      plugins: { title: { display: true, text: o.title }, legend: { display: false } },
      scales: { x: axis(o.xTitle, { ticks: { maxRotation: 60 } }), y: axis('Rows (count)', { beginAtZero: true }) },
    },
  });
}
