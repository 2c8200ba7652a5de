/// Calibration (reliability) plot: mean predicted PD vs observed default rate per bin.
import type { CalibrationBin } from '../types';
import { axis, colors, percentTick, renderChart } from './register';

/// `before`: the same plot for the uncalibrated PDs (bundles with a calibration step), drawn grey.
export function drawCalibration(canvas: HTMLCanvasElement, bins: CalibrationBin[], before?: CalibrationBin[]): void {
  const used = bins.filter((b) => b.n > 0);
  const usedBefore = (before ?? []).filter((b) => b.n > 0);
  const all = [...used, ...usedBefore];
  const hi = Math.min(1, Math.ceil(Math.max(0.05, ...all.map((b) => Math.max(b.mean_pd, b.observed))) * 10) / 10);
  const maxN = Math.max(...all.map((u) => u.n));
  const radius = (b: CalibrationBin) => 3 + 5 * Math.sqrt(b.n / maxN);
  const beforeSets = usedBefore.length
    ? [
        {
          label: 'Before calibration',
          data: usedBefore.map((b) => ({ x: b.mean_pd, y: b.observed })),
          showLine: true,
          borderColor: colors.neutral,
          backgroundColor: colors.neutral,
          pointRadius: usedBefore.map(radius),
          pointStyle: 'rectRot' as const,
          borderWidth: 1.5,
        },
      ]
    : [];
  renderChart(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        ...beforeSets,
        {
          label: usedBefore.length ? 'After calibration (size ∝ rows)' : 'Bins (size ∝ rows)',
          data: used.map((b) => ({ x: b.mean_pd, y: b.observed })),
          showLine: true,
          borderColor: colors.accent,
          backgroundColor: colors.accent,
          pointRadius: used.map(radius),
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
      plugins: { title: { display: true, text: usedBefore.length ? 'Calibration before and after: predicted vs observed default rate' : 'Calibration: predicted vs observed default rate' } },
      scales: {
        x: axis('Mean predicted PD in bin', { min: 0, max: hi, ticks: { callback: percentTick } }),
        y: axis('Observed default rate', { min: 0, max: hi, ticks: { callback: percentTick } }),
      },
    },
  });
}
