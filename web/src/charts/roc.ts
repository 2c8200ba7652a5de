/// ROC curve of the validation set, with the chance diagonal.
import { axis, colors, renderChart } from './register';

export function drawRoc(canvas: HTMLCanvasElement, fpr: number[], tpr: number[], auc?: number, marker?: { fpr: number; tpr: number }): void {
  const points = fpr.map((x, i) => ({ x, y: tpr[i] }));
  renderChart(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: `ROC${auc !== undefined ? ` (AUC ${auc.toFixed(3)})` : ''}`,
          data: points,
          showLine: true,
          borderColor: colors.accent,
          backgroundColor: 'rgba(15,118,110,0.08)',
          fill: 'origin',
          pointRadius: 0,
          borderWidth: 2,
        },
        {
          label: 'Chance',
          data: [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
          showLine: true,
          borderColor: colors.neutral,
          borderDash: [5, 4],
          pointRadius: 0,
          borderWidth: 1,
        },
        ...(marker
          ? [{ label: 'Selected threshold', data: [{ x: marker.fpr, y: marker.tpr }], pointRadius: 5, backgroundColor: colors.risk, borderColor: colors.risk }]
          : []),
      ],
    },
    options: {
      plugins: { title: { display: true, text: 'ROC curve (validation set)' } },
      scales: {
        x: axis('False positive rate (share of good loans flagged)', { min: 0, max: 1 }),
        y: axis('True positive rate (share of defaults caught)', { min: 0, max: 1 }),
      },
    },
  });
}
