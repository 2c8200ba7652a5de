/// Counts per decision band (approve / review / decline).
import { axis, colors, renderChart } from './register';

export interface BandsOptions {
  counts: { approve: number; review: number; decline: number };
  title?: string;
}

export function drawBands(canvas: HTMLCanvasElement, o: BandsOptions): void {
  const { counts } = o;
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
        title: { display: true, text: o.title ?? 'Decisions (after review rules)' },
        legend: { display: false },
        tooltip: { callbacks: { label: (it) => `${it.formattedValue} applications (${((Number(it.raw) / total) * 100).toFixed(1)}%)` } },
      },
      scales: { x: axis('Decision'), y: axis('Applications (count)', { beginAtZero: true }) },
    },
  });
}
