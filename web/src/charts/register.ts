/// Registers only the Chart.js parts the app uses (keeps the bundle small) and sets shared defaults.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  ScatterController,
  Title,
  Tooltip,
  type ChartConfiguration,
  type ChartType,
} from 'chart.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  ScatterController,
  Title,
  Tooltip,
);

Chart.defaults.animation = false; // deterministic, no motion while what-if updates
Chart.defaults.responsive = true;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
Chart.defaults.font.size = 12;
Chart.defaults.color = '#3b4351';
Chart.defaults.plugins.title.font = { size: 14, weight: 'bold' };
Chart.defaults.plugins.title.align = 'start';
Chart.defaults.plugins.title.padding = { top: 2, bottom: 10 };

export const colors = {
  risk: '#d43d51', // raises the risk (SHAP > 0)
  safe: '#2f6fd6', // lowers the risk (SHAP < 0)
  neutral: '#8a94a6',
  ink: '#1f2937',
  accent: '#0f766e',
  approve: '#2e8b57',
  review: '#d89a00',
  decline: '#c0392b',
  positive: '#d43d51',
  negative: '#2f6fd6',
  grid: '#e5e8ef',
};

const charts = new WeakMap<HTMLCanvasElement, Chart>();

/// Creates the chart on `canvas`, or replaces data and options of the existing one in place
/// (no flicker, no layout change) when the chart type is the same.
export function renderChart<T extends ChartType>(canvas: HTMLCanvasElement, config: ChartConfiguration<T>): Chart<T> {
  const existing = charts.get(canvas) as Chart<T> | undefined;
  if (existing && (existing.config as { type?: string }).type === config.type) {
    existing.data = config.data;
    if (config.options) existing.options = config.options as typeof existing.options;
    existing.update('none');
    return existing;
  }
  existing?.destroy();
  const chart = new Chart(canvas, config);
  charts.set(canvas, chart as unknown as Chart);
  canvas.dataset.chart = 'drawn';
  return chart;
}

export function destroyChart(canvas: HTMLCanvasElement): void {
  charts.get(canvas)?.destroy();
  charts.delete(canvas);
  delete canvas.dataset.chart;
}

/// Standard axis with a title.
export function axis(title: string, extra: Record<string, unknown> = {}) {
  return { title: { display: true, text: title }, grid: { color: colors.grid }, ...extra };
}

export function percentTick(value: string | number): string {
  return `${(Number(value) * 100).toFixed(0)}%`;
}

export { Chart };
