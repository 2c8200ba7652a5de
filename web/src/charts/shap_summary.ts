/// SHAP summary plot: one row per feature, each dot one record at its contribution (x), coloured
/// by the record's feature value (low = blue, high = red; categories by level order).
import type { TooltipItem } from 'chart.js';
import { axis, colors, renderChart } from './register';

export interface SummaryPoint {
  shap: number;
  /// Feature value scaled to [0, 1] within the batch (NaN: missing, drawn grey).
  level: number;
  text: string;
}

function mix(t: number): string {
  // blue (#2f6fd6) -> purple -> red (#d43d51)
  const a = [47, 111, 214];
  const b = [212, 61, 81];
  const c = a.map((x, i) => Math.round(x + (b[i] - x) * t));
  return `rgba(${c[0]},${c[1]},${c[2]},0.7)`;
}

/// Deterministic jitter in [-0.3, 0.3] so the plot does not change between renders.
function jitter(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return (x - Math.floor(x) - 0.5) * 0.6;
}

export function drawShapSummary(
  canvas: HTMLCanvasElement,
  features: { name: string; points: SummaryPoint[] }[],
  xTitle = 'SHAP value (contribution to log-odds of default)',
): void {
  const n = features.length;
  const datasets = features.map((f, fi) => ({
    label: f.name,
    data: f.points.map((p, i) => ({ x: p.shap, y: n - 1 - fi + jitter(i + fi * 7919), text: p.text })),
    backgroundColor: f.points.map((p) => (Number.isFinite(p.level) ? mix(p.level) : 'rgba(138,148,166,0.6)')),
    pointRadius: 2.2,
    pointHoverRadius: 4,
    borderWidth: 0,
  }));
  renderChart(canvas, {
    type: 'scatter',
    data: { datasets },
    options: {
      plugins: {
        title: { display: true, text: 'SHAP summary: contribution per record (colour = feature value, blue low → red high)' },
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'scatter'>) => {
              const raw = item.raw as { x: number; text: string };
              return `${item.dataset.label}: ${raw.text} → ${raw.x >= 0 ? '+' : ''}${raw.x.toFixed(4)}`;
            },
          },
        },
      },
      scales: {
        x: axis(xTitle),
        y: {
          min: -0.6,
          max: n - 0.4,
          grid: { color: colors.grid },
          afterBuildTicks: (scale) => {
            scale.ticks = features.map((_, i) => ({ value: i }));
          },
          ticks: { autoSkip: false, callback: (v: string | number) => features[n - 1 - Number(v)]?.name ?? '' },
        },
      },
    },
  });
}
