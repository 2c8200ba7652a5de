/// Simple bar charts: horizontal ranking (importance, mean |SHAP|), band counts, histograms.
import { axis, colors, renderChart } from './register';

export function drawRanking(canvas: HTMLCanvasElement, title: string, xTitle: string, items: { label: string; value: number }[], color = colors.accent): void {
  renderChart(canvas, {
    type: 'bar',
    data: {
      labels: items.map((i) => i.label),
      datasets: [{ label: xTitle, data: items.map((i) => i.value), backgroundColor: color, barPercentage: 0.8 }],
    },
    options: {
      indexAxis: 'y',
      plugins: { title: { display: true, text: title }, legend: { display: false } },
      scales: { x: axis(xTitle, { beginAtZero: true }), y: { grid: { display: false }, ticks: { autoSkip: false, font: { size: 11 } } } },
    },
  });
}

export function drawBands(canvas: HTMLCanvasElement, counts: { approve: number; review: number; decline: number }): void {
  const total = counts.approve + counts.review + counts.decline || 1;
  renderChart(canvas, {
    type: 'bar',
    data: {
      labels: ['Approve', 'Review', 'Decline'],
      datasets: [
        {
          label: 'Applications',
          data: [counts.approve, counts.review, counts.decline],
          backgroundColor: [colors.approve, colors.review, colors.decline],
          barPercentage: 0.6,
        },
      ],
    },
    options: {
      plugins: {
        title: { display: true, text: 'Decision bands' },
        legend: { display: false },
        tooltip: { callbacks: { label: (it) => `${it.formattedValue} applications (${((Number(it.raw) / total) * 100).toFixed(1)}%)` } },
      },
      scales: { x: axis('Band (policy thresholds on PD)'), y: axis('Applications (count)', { beginAtZero: true }) },
    },
  });
}

export function drawHistogram(canvas: HTMLCanvasElement, title: string, xTitle: string, values: number[], bins: number, lo: number, hi: number, asPercent: boolean): void {
  const width = (hi - lo) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    const b = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
    counts[b] += 1;
  }
  const f = (x: number) => (asPercent ? `${(x * 100).toFixed(x * 100 < 10 && width < 0.01 ? 1 : 0)}%` : x.toFixed(2));
  renderChart(canvas, {
    type: 'bar',
    data: {
      labels: counts.map((_, i) => `${f(lo + i * width)}–${f(lo + (i + 1) * width)}`),
      datasets: [{ label: 'Rows', data: counts, backgroundColor: colors.accent, barPercentage: 1, categoryPercentage: 0.95 }],
    },
    options: {
      plugins: { title: { display: true, text: title }, legend: { display: false } },
      scales: { x: axis(xTitle, { ticks: { maxRotation: 60 } }), y: axis('Rows (count)', { beginAtZero: true }) },
    },
  });
}
