/// Fairness charts: approval rate per group, and adverse impact ratio per group with the
/// four-fifths line (0.8). Groups too small to judge are drawn hatched-grey.
import type { FairnessGroup } from '../review_types';
import { axis, colors, percentTick, renderChart } from './register';

export function drawApprovalRates(canvas: HTMLCanvasElement, title: string, groups: FairnessGroup[]): void {
  renderChart(canvas, {
    type: 'bar',
    data: {
      labels: groups.map((g) => g.group),
      datasets: [{ label: 'Approval rate', data: groups.map((g) => g.approval_rate), backgroundColor: groups.map((g) => (g.too_small ? colors.neutral : colors.approve)) }],
    },
    options: {
      plugins: { title: { display: true, text: title }, legend: { display: false } },
      scales: { x: axis('Group'), y: axis('Approved', { beginAtZero: true, max: 1, ticks: { callback: percentTick } }) },
    },
  });
}

export function drawAdverseImpact(canvas: HTMLCanvasElement, title: string, groups: FairnessGroup[], threshold: number): void {
  const hi = Math.max(1.1, ...groups.map((g) => g.adverse_impact_ratio * 1.05));
  renderChart(canvas, {
    type: 'bar',
    data: {
      labels: groups.map((g) => g.group),
      datasets: [
        {
          type: 'bar' as const,
          label: 'Adverse impact ratio',
          data: groups.map((g) => g.adverse_impact_ratio),
          backgroundColor: groups.map((g) => (g.too_small ? colors.neutral : g.four_fifths_ok ? colors.accent : colors.decline)),
        },
        {
          type: 'line' as const,
          label: `Four-fifths rule (${threshold})`,
          data: groups.map(() => threshold),
          borderColor: colors.ink,
          borderDash: [6, 4],
          borderWidth: 2,
          pointRadius: 0,
        },
      ],
    },
    options: {
      plugins: { title: { display: true, text: title } },
      scales: { x: axis('Group'), y: axis('Approval rate / most favoured group\'s', { beginAtZero: true, max: hi }) },
    },
  });
}
