/// KS curve: cumulative share of defaulters and of non-defaulters with PD >= threshold; the KS
/// statistic is the largest vertical gap.
import { axis, colors, percentTick, renderChart } from './register';

export function drawKs(canvas: HTMLCanvasElement, threshold: number[], tpr: number[], fpr: number[], ks?: number, ksThreshold?: number): void {
  const bads = threshold.map((t, i) => ({ x: t, y: tpr[i] }));
  const goods = threshold.map((t, i) => ({ x: t, y: fpr[i] }));
  const gap = ks !== undefined && ksThreshold !== undefined;
  let gapLine: { x: number; y: number }[] = [];
  if (gap) {
    // The curve point nearest the KS threshold.
    let best = 0;
    for (let i = 1; i < threshold.length; i++) if (Math.abs(threshold[i] - ksThreshold!) < Math.abs(threshold[best] - ksThreshold!)) best = i;
    gapLine = [
      { x: threshold[best], y: fpr[best] },
      { x: threshold[best], y: tpr[best] },
    ];
  }
  renderChart(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        { label: 'Defaulters (cumulative)', data: bads, showLine: true, borderColor: colors.positive, pointRadius: 0, borderWidth: 2 },
        { label: 'Non-defaulters (cumulative)', data: goods, showLine: true, borderColor: colors.negative, pointRadius: 0, borderWidth: 2 },
        ...(gap
          ? [{ label: `KS = ${ks!.toFixed(3)} at PD ${(ksThreshold! * 100).toFixed(1)}%`, data: gapLine, showLine: true, borderColor: colors.ink, borderDash: [4, 3], pointRadius: 3, borderWidth: 1.5, backgroundColor: colors.ink }]
          : []),
      ],
    },
    options: {
      plugins: { title: { display: true, text: 'KS curve: share with PD ≥ threshold, by class' } },
      scales: {
        x: axis('PD threshold', { min: 0, max: 1, ticks: { callback: percentTick } }),
        y: axis('Cumulative share of class', { min: 0, max: 1, ticks: { callback: percentTick } }),
      },
    },
  });
}
