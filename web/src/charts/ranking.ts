/// Horizontal ranking bars (importance, mean |SHAP| per feature).
import { axis, colors, renderChart } from './register';

export interface RankingOptions {
  title: string;
  /// Value axis title.
  xTitle: string;
  items: { label: string; value: number }[];
  color?: string;
}

export function drawRanking(canvas: HTMLCanvasElement, o: RankingOptions): void {
  renderChart(canvas, {
    type: 'bar',
    data: {
      labels: o.items.map((i) => i.label),
      datasets: [{ label: o.xTitle, data: o.items.map((i) => i.value), backgroundColor: o.color ?? colors.accent, barPercentage: 0.8 }],
    },
    options: {
      indexAxis: 'y',
      plugins: { title: { display: true, text: o.title }, legend: { display: false } },
      scales: { x: axis(o.xTitle, { beginAtZero: true }), y: { grid: { display: false }, ticks: { autoSkip: false, font: { size: 11 } } } },
    },
  });
}
