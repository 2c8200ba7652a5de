/// Reference (training sample) vs batch shares per bin of one variable, as the engine's PSI used
/// them.
import type { PsiBin } from '../review_types';
import { axis, colors, percentTick, renderChart } from './register';

export function drawPsiBins(canvas: HTMLCanvasElement, title: string, bins: PsiBin[]): void {
  renderChart(canvas, {
    type: 'bar',
    data: {
      labels: bins.map((b) => b.label),
      datasets: [
        { label: 'Training sample (reference)', data: bins.map((b) => b.reference), backgroundColor: colors.neutral },
        { label: 'This file', data: bins.map((b) => b.actual), backgroundColor: colors.accent },
      ],
    },
    options: {
      plugins: {
        title: { display: true, text: title },
        tooltip: { callbacks: { label: (it) => `${it.dataset.label}: ${(Number(it.raw) * 100).toFixed(1)}%` } },
      },
      scales: { x: axis('Bin (training deciles or levels; missing is its own bin)', { ticks: { autoSkip: false, maxRotation: 60, font: { size: 10 } } }), y: axis('Share of rows', { beginAtZero: true, ticks: { callback: percentTick } }) },
    },
  });
}
