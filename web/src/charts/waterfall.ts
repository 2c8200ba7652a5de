/// SHAP waterfall: base value -> one step per feature contribution -> final margin, on the
/// bundle's margin scale (log-odds, or probability for the random forest).
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
  /// 'probability': margin and steps are PD units (shown as % and percentage points).
  scale?: 'log_odds' | 'probability';
  /// Axis unit text, e.g. "log-odds of default".
  unit?: string;
  maxSteps?: number;
}

function sigmoidLabel(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

export function drawWaterfall(canvas: HTMLCanvasElement, input: WaterfallInput): void {
  const maxSteps = input.maxSteps ?? 10;
  const prob = input.scale === 'probability';
  const unit = input.unit ?? (prob ? 'probability of default' : 'log-odds of default');
  // A step as text: log-odds with 3 decimals, or percentage points of PD.
  const stepText = (v: number, digits: number) =>
    prob ? `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(digits - 1)} pp` : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}`;
  const valueText = (v: number, digits: number) => (prob ? `${(v * 100).toFixed(digits - 1)}%` : `${v.toFixed(digits)} log-odds`);
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
    labels.push(`${s.label}  (${stepText(s.value, 3)})`);
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
          label: `Contribution (${unit})`,
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
        title: { display: true, text: `How this score was built — SHAP contributions to the ${unit}` },
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'bar'>) => {
              const d = deltas[item.dataIndex];
              const i = item.dataIndex;
              if (i === 0) return `base value ${valueText(d, 4)}`;
              if (i === deltas.length - 1) return `final margin ${valueText(d, 4)}`;
              return `${stepText(d, 4)}${prob ? '' : ' log-odds'} (${d >= 0 ? 'raises' : 'lowers'} the risk)`;
            },
          },
        },
      },
      scales: {
        x: prob
          ? axis('Probability of default (average over the trees); red raises, blue lowers', {
              ticks: { callback: (v: string | number) => `${Number((Number(v) * 100).toFixed(1))}%` },
            })
          : axis(`${unit[0].toUpperCase()}${unit.slice(1)} (margin); red raises the risk, blue lowers it`),
        y: { grid: { display: false }, ticks: { autoSkip: false, font: { size: 11 } } },
      },
    },
  });
}
