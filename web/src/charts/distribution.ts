/// Score distribution by class: share of each class per PD bin (two bar series).
import { axis, colors, renderChart } from './register';

export function drawDistribution(canvas: HTMLCanvasElement, edges: number[], positive: number[], negative: number[], positiveLabel: string, negativeLabel: string, unit = 'PD'): void {
  const np = positive.reduce((a, b) => a + b, 0) || 1;
  const nn = negative.reduce((a, b) => a + b, 0) || 1;
  const pctLabel = (x: number) => (unit === 'PD' ? `${(x * 100).toFixed(0)}%` : x.toFixed(0));
  const labels = positive.map((_, i) => `${pctLabel(edges[i])}–${pctLabel(edges[i + 1])}`);
  renderChart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: positiveLabel, data: positive.map((c) => c / np), backgroundColor: 'rgba(212,61,81,0.75)' },
        { label: negativeLabel, data: negative.map((c) => c / nn), backgroundColor: 'rgba(47,111,214,0.6)' },
      ],
    },
    options: {
      plugins: { title: { display: true, text: `Score distribution by class (validation set)` } },
      scales: {
        x: axis(unit === 'PD' ? 'Predicted PD bin' : `${unit} bin`, { ticks: { maxRotation: 60, autoSkip: true } }),
        y: axis('Share of class (%)', { ticks: { callback: (v: string | number) => `${(Number(v) * 100).toFixed(0)}%` } }),
      },
    },
  });
  void colors;
}
