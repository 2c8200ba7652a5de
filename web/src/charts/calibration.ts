/// Calibration (reliability) plot: mean predicted PD vs observed default rate per bin.
import type { CalibrationBin } from '../types';
import { axis, colors, percentTick, renderChart } from './register';

export function drawCalibration(canvas: HTMLCanvasElement, bins: CalibrationBin[]): void {
  const used = bins.filter((b) => b.n > 0);
  const hi = Math.min(1, Math.ceil(Math.max(0.05, ...used.map((b) => Math.max(b.mean_pd, b.observed))) * 10) / 10);
  renderChart(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'Bins (size ∝ rows)',
          data: used.map((b) => ({ x: b.mean_pd, y: b.observed })),
          showLine: true,
          borderColor: colors.accent,
          backgroundColor: colors.accent,
          pointRadius: used.map((b) => 3 + 5 * Math.sqrt(b.n / Math.max(...used.map((u) => u.n)))),
          borderWidth: 2,
        },
        {
          label: 'Perfect calibration',
          data: [
            { x: 0, y: 0 },
            { x: hi, y: hi },
          ],
          showLine: true,
          borderColor: colors.neutral,
          borderDash: [5, 4],
          pointRadius: 0,
          borderWidth: 1,
        },
      ],
    },
    options: {
      plugins: { title: { display: true, text: 'Calibration: predicted vs observed default rate' } },
      scales: {
        x: axis('Mean predicted PD in bin', { min: 0, max: hi, ticks: { callback: percentTick } }),
        y: axis('Observed default rate', { min: 0, max: hi, ticks: { callback: percentTick } }),
      },
    },
  });
}
