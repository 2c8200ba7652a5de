/// SHAP waterfall: base value -> one step per feature contribution -> final margin (log-odds).
import type { TooltipItem } from 'chart.js';
import { axis, colors, renderChart } from './register';

export interface WaterfallStep {
  feature: string;
  label: string; // "Duration (months) = 48"
  value: number; // contribution in margin units
}

export interface WaterfallInput {
  base: number;
  steps: WaterfallStep[];
  margin: number;
  pd: number;
  basePd: number;
  maxSteps?: number;
}

function sigmoidLabel(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

export function drawWaterfall(canvas: HTMLCanvasElement, input: WaterfallInput): void {
  const maxSteps = input.maxSteps ?? 10;
  const sorted = [...input.steps].sort((a, b) => Math.abs(b.value) - Math.abs(a.value) || a.feature.localeCompare(b.feature));
  const shown = sorted.slice(0, maxSteps);
  const rest = sorted.slice(maxSteps);
  if (rest.length > 0) {
    shown.push({ feature: '', label: `${rest.length} other features`, value: rest.reduce((s, x) => s + x.value, 0) });
  }
  const labels: string[] = [`Base value (PD ${sigmoidLabel(input.basePd)})`];
  const data: [number, number][] = [[0, input.base]];
  const fill: string[] = [colors.neutral];
  let cum = input.base;
  for (const s of shown) {
    labels.push(`${s.label}  (${s.value >= 0 ? '+' : '−'}${Math.abs(s.value).toFixed(3)})`);
    data.push([cum, cum + s.value]);
    fill.push(s.value >= 0 ? colors.risk : colors.safe);
    cum += s.value;
  }
  labels.push(`Final score (PD ${sigmoidLabel(input.pd)})`);
  data.push([0, input.margin]);
  fill.push(colors.ink);
  const deltas = [input.base, ...shown.map((s) => s.value), input.margin];

  renderChart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          label: 'Contribution (log-odds)',
          data,
          backgroundColor: fill,
          borderWidth: 0,
          barPercentage: 0.8,
          categoryPercentage: 0.9,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      plugins: {
        title: { display: true, text: 'How this score was built — SHAP contributions to the log-odds of default' },
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'bar'>) => {
              const d = deltas[item.dataIndex];
              const i = item.dataIndex;
              if (i === 0) return `base value ${d.toFixed(4)} log-odds`;
              if (i === deltas.length - 1) return `final margin ${d.toFixed(4)} log-odds`;
              return `${d >= 0 ? '+' : ''}${d.toFixed(4)} log-odds (${d >= 0 ? 'raises' : 'lowers'} the risk)`;
            },
          },
        },
      },
      scales: {
        x: axis('Log-odds of default (margin); red raises the risk, blue lowers it'),
        y: { grid: { display: false }, ticks: { autoSkip: false, font: { size: 11 } } },
      },
    },
  });
}
