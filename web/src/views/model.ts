/// Model screen: everything shown is read from the loaded bundle (validation metrics and curves,
/// importance, training summary, parameters, content hash).
import type { AppState, LoadedBundle } from '../state';
import type { BundleInfo, ValidationMetrics } from '../types';
import { clear, fmt, h, int, pct } from '../dom';
import { drawRoc } from '../charts/roc';
import { drawKs } from '../charts/ks';
import { drawCalibration } from '../charts/calibration';
import { drawDistribution } from '../charts/distribution';
import { drawRanking } from '../charts/ranking';
import { calibration, explainMethod, marginScale, marginUnit } from '../explain';
import { modelEvidence } from './model_evidence';

function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

function numArray(x: unknown): number[] | undefined {
  return Array.isArray(x) && x.every((v) => typeof v === 'number') ? (x as number[]) : undefined;
}

/// Global importance per feature from the bundle's `importance` section, whichever of the layouts
/// {feature: {metric: v}}, {metric: {feature: v}} or {features: [{name, metric}]} it uses.
export function importanceTable(info: BundleInfo): { metrics: string[]; rows: Map<string, Record<string, number>> } {
  const imp = (info.importance ?? {}) as Record<string, unknown>;
  const rows = new Map<string, Record<string, number>>();
  const names = new Set(info.features.map((f) => f.name));
  const put = (feature: string, metric: string, v: unknown) => {
    const x = num(v);
    if (x === undefined) return;
    if (!rows.has(feature)) rows.set(feature, {});
    rows.get(feature)![metric] = x;
  };
  const list = Array.isArray(imp) ? imp : Array.isArray(imp.features) ? (imp.features as unknown[]) : null;
  if (list) {
    for (const item of list as Record<string, unknown>[]) {
      const name = String(item.name ?? item.feature ?? '');
      for (const [k, v] of Object.entries(item)) if (k !== 'name' && k !== 'feature') put(name, k, v);
    }
  } else {
    for (const [k, v] of Object.entries(imp)) {
      if (!v || typeof v !== 'object') continue;
      if (names.has(k)) for (const [m, x] of Object.entries(v as Record<string, unknown>)) put(k, m, x);
      else for (const [f, x] of Object.entries(v as Record<string, unknown>)) put(f, k, x);
    }
  }
  const metrics = new Set<string>();
  for (const r of rows.values()) for (const m of Object.keys(r)) metrics.add(m);
  return { metrics: [...metrics], rows };
}

function kv(pairs: [string, string | Node][]): HTMLElement {
  const dl = h('dl', { class: 'kv' });
  for (const [k, v] of pairs) dl.append(h('dt', { text: k }), h('dd', {}, v));
  return dl;
}

/// One line on the bundle's calibration step.
function calibrationText(info: BundleInfo): string {
  const c = calibration(info);
  if (!c) return 'none';
  if (c.kind === 'platt') return `Platt scaling: PD = sigmoid(a·margin + b), a = ${fmt(num(c.a), 4)}, b = ${fmt(num(c.b), 4)}`;
  return `isotonic regression: ${c.knots_margin?.length ?? 0} knots, PD interpolated linearly between them`;
}

/// The calibration step and what it changed on the validation set (before / after).
function calibrationCard(info: BundleInfo, after: ValidationMetrics, before: ValidationMetrics | undefined): HTMLElement {
  const rows: [string, keyof ValidationMetrics, number][] = [
    ['Brier score', 'brier', 4],
    ['Log loss', 'log_loss', 4],
    ['AUC', 'auc', 4],
    ['KS', 'ks', 4],
  ];
  const body = h('tbody');
  for (const [label, key, digits] of rows) {
    const a = num(after[key]);
    const b = num(before?.[key]);
    if (a === undefined && b === undefined) continue;
    const d = a !== undefined && b !== undefined ? a - b : undefined;
    body.append(h('tr', { 'data-metric': String(key) },
      h('th', { scope: 'row', text: label }),
      h('td', { class: 'num', 'data-before': b === undefined ? '' : String(b), text: fmt(b, digits) }),
      h('td', { class: 'num', 'data-after': a === undefined ? '' : String(a), text: fmt(a, digits) }),
      h('td', { class: 'num', text: d === undefined ? '—' : `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(digits)}` }),
    ));
  }
  return h('div', { class: 'card', 'data-testid': 'model-calibration-step', 'data-kind': calibration(info)?.kind ?? 'none' },
    h('h3', { text: 'Calibration' }),
    h('p', { class: 'small', text: `${calibrationText(info)}. Fitted on the validation rows' margins; the after-calibration figures are cross-fitted (5 folds), never on the rows a calibrator was fitted on.` }),
    before
      ? h('div', { class: 'table-wrap' },
          h('table', { class: 'data compact' },
            h('thead', {}, h('tr', {}, ...['Validation metric', 'Before calibration', 'After calibration', 'Change'].map((x) => h('th', { scope: 'col', text: x })))),
            body,
          ),
        )
      : h('p', { class: 'muted small', text: 'This bundle has no before-calibration metrics (metrics.validation_uncalibrated).' }),
  );
}

export function mount(el: HTMLElement, state: AppState): void {
  const root = h('div', { class: 'model-view' });
  el.append(root);

  function metricCard(label: string, value: string, note = ''): HTMLElement {
    return h('div', { class: 'metric' }, h('div', { class: 'metric-value', text: value }), h('div', { class: 'metric-label', text: label }), note ? h('div', { class: 'metric-note', text: note }) : null);
  }

  function render(b: LoadedBundle): void {
    clear(root);
    const info = b.info;
    const v: ValidationMetrics = info.metrics?.validation ?? {};
    const nPos = num(v.n_positive);
    const nRows = num(v.n_rows);
    const cal = calibration(info);
    const u: ValidationMetrics | undefined = cal ? info.metrics?.validation_uncalibrated : undefined;
    const method = explainMethod(info);
    // "0.1723 (before 0.1658)" notes for the metrics calibration changes.
    const beforeNote = (key: keyof ValidationMetrics, base: string) => {
      const x = num(u?.[key]);
      return x === undefined ? base : `${base} · before calibration ${fmt(x, 4)}`;
    };

    // Headline metrics.
    root.append(
      h('div', { class: 'card', 'data-testid': 'model-metrics' },
        h('div', { class: 'card-head' },
          h('h2', { text: `${b.source}` }),
          h('p', { class: 'muted small', text: `${info.kind} model · predicts ${info.target.name} = ${info.target.positive} · validation set of ${int(nRows)} rows (${int(nPos)} defaults)` }),
          h('p', { class: 'small', 'data-testid': 'model-explain-method', 'data-method': info.explain?.method ?? '', 'data-exact': String(method.exact) },
            h('strong', { text: `Explanations: ${method.name}. ` }),
            h('span', { class: 'muted', text: method.detail }),
          ),
          h('p', { class: 'small muted', 'data-testid': 'model-margin-scale', 'data-scale': marginScale(info), text: marginScale(info) === 'probability' ? 'Margin scale: probability. The margin is the average of the trees\' leaf default rates, so it is the PD (before any calibration), and SHAP values add up to it in probability units (shown as percentage points).' : `Margin scale: log-odds. PD = ${cal ? 'the calibration map of the margin' : 'sigmoid(margin)'}; SHAP values add up to the margin in log-odds.` }),
        ),
        h('div', { class: 'metrics' },
          metricCard('AUC', fmt(num(v.auc), 4), 'area under ROC'),
          metricCard('Gini', fmt(num(v.gini), 4), '2·AUC − 1'),
          metricCard('KS', fmt(num(v.ks), 4), num(v.ks_threshold) !== undefined ? `at PD ${pct(num(v.ks_threshold), 1)}` : ''),
          metricCard('PR AUC', fmt(num(v.pr_auc), 4), 'precision–recall'),
          metricCard('Log loss', fmt(num(v.log_loss), 4), beforeNote('log_loss', 'lower is better')),
          metricCard('Brier', fmt(num(v.brier), 4), beforeNote('brier', 'lower is better')),
        ),
      ),
    );

    if (cal) root.append(calibrationCard(info, v, u));
    root.append(...modelEvidence(info));

    const grid = h('div', { class: 'chart-grid' });
    root.append(grid);
    const chartCard = (testid: string, label: string, extra?: Node) => {
      const canvas = h('canvas', { role: 'img', 'aria-label': label });
      grid.append(h('div', { class: 'card chart-card', 'data-testid': testid }, h('div', { class: 'chart' }, canvas), extra ?? null));
      return canvas;
    };

    const roc = v.roc;
    const fpr = numArray(roc?.fpr);
    const tpr = numArray(roc?.tpr);
    const thr = numArray(roc?.threshold);
    let rocCanvas: HTMLCanvasElement | null = null;
    if (fpr && tpr) {
      rocCanvas = chartCard('model-roc', 'ROC curve');
      drawRoc(rocCanvas, fpr, tpr, num(v.auc));
    }
    // KS curve: the bundle's ks_curve if it has arrays, else the ROC arrays (same quantities).
    const ksc = (v.ks_curve ?? {}) as Record<string, unknown>;
    const ksThr = numArray(ksc.threshold) ?? thr;
    const ksBad = numArray(ksc.cum_bad) ?? numArray(ksc.tpr) ?? tpr;
    const ksGood = numArray(ksc.cum_good) ?? numArray(ksc.fpr) ?? fpr;
    if (ksThr && ksBad && ksGood && ksThr.length === ksBad.length) {
      drawKs(chartCard('model-ks', 'KS curve'), ksThr.map((t) => Math.min(1, Math.max(0, t))), ksBad, ksGood, num(v.ks), num(v.ks_threshold));
    }
    if (Array.isArray(v.calibration) && v.calibration.length > 0) {
      const before = Array.isArray(u?.calibration) && u.calibration.length > 0 ? u.calibration : undefined;
      drawCalibration(chartCard('model-calibration', before ? 'Calibration plot before and after calibration' : 'Calibration plot'), v.calibration, before);
    }
    const sd = v.score_distribution;
    if (sd && numArray(sd.edges) && numArray(sd.positive) && numArray(sd.negative)) {
      const unit = sd.edges[sd.edges.length - 1] > 1.0001 ? 'Score' : 'PD';
      drawDistribution(chartCard('model-distribution', 'Score distribution by class'), sd.edges, sd.positive, sd.negative, `Defaults (${info.target.positive})`, 'Non-defaults', unit);
    }

    // Confusion matrix at a threshold (slider), read off the validation curve: the KS curve has a
    // point at every distinct PD (the ROC curve drops collinear points), else the ROC curve.
    const full = ksThr && ksBad && ksGood && ksThr.length === ksBad.length ? { thr: ksThr, tpr: ksBad, fpr: ksGood } : fpr && tpr && thr ? { thr, tpr, fpr } : null;
    if (full && nRows !== undefined && nPos !== undefined) {
      const { thr: cThr, tpr: cTpr, fpr: cFpr } = full;
      const nNeg = nRows - nPos;
      const slider = h('input', { type: 'range', min: 0, max: 1, step: 0.005, id: 'cm-threshold', 'data-testid': 'threshold-slider' });
      const thrLabel = h('output', { for: 'cm-threshold', class: 'strong' });
      const matrix = h('div', { class: 'confusion' });
      const stats = h('div', { class: 'muted small' });
      const card = h('div', { class: 'card', 'data-testid': 'model-confusion' },
        h('h3', { text: 'Confusion matrix at a PD threshold (validation set)' }),
        h('div', { class: 'slider-row' }, h('label', { for: 'cm-threshold', text: 'Decline if PD ≥' }), slider, thrLabel),
        matrix,
        stats,
      );
      grid.append(card);
      const update = () => {
        const t = Number(slider.value);
        // The ROC point for "predict default when PD >= threshold[i]" with the smallest threshold >= t.
        let best = -1;
        for (let i = 0; i < cThr.length; i++) if (cThr[i] >= t && (best < 0 || cThr[i] < cThr[best])) best = i;
        const tp = best < 0 ? 0 : Math.round(cTpr[best] * nPos);
        const fp = best < 0 ? 0 : Math.round(cFpr[best] * nNeg);
        const fn = nPos - tp;
        const tn = nNeg - fp;
        thrLabel.textContent = `${(t * 100).toFixed(1)}%`;
        const cell = (label: string, n: number, cls: string) => h('div', { class: `cm-cell ${cls}` }, h('div', { class: 'cm-n', text: int(n) }), h('div', { class: 'cm-l', text: label }));
        matrix.replaceChildren(
          h('div', { class: 'cm-corner' }),
          h('div', { class: 'cm-head', text: 'Predicted default' }),
          h('div', { class: 'cm-head', text: 'Predicted good' }),
          h('div', { class: 'cm-side', text: 'Actual default' }),
          cell('true positive', tp, 'good'),
          cell('false negative', fn, 'bad'),
          h('div', { class: 'cm-side', text: 'Actual good' }),
          cell('false positive', fp, 'bad'),
          cell('true negative', tn, 'good'),
        );
        const precision = tp + fp > 0 ? tp / (tp + fp) : NaN;
        stats.textContent = `Recall ${pct(tp / (nPos || 1), 1)} · precision ${pct(precision, 1)} · accuracy ${pct((tp + tn) / (nRows || 1), 1)} · declined ${pct((tp + fp) / (nRows || 1), 1)}` +
          (best >= 0 ? ` · lowest validation PD at or above the threshold: ${(cThr[best] * 100).toFixed(2)}%` : '');
        if (rocCanvas && fpr && tpr) drawRoc(rocCanvas, fpr, tpr, num(v.auc), best >= 0 ? { fpr: cFpr[best], tpr: cTpr[best] } : { fpr: 0, tpr: 0 });
      };
      slider.value = String(info.policy?.decline_at ?? 0.3);
      slider.addEventListener('input', update);
      update();
    }

    const imp = importanceTable(info);
    const metric = imp.metrics.includes('mean_abs_shap') ? 'mean_abs_shap' : imp.metrics[0];
    if (metric) {
      const items = [...imp.rows.entries()].filter(([, r]) => r[metric] !== undefined).map(([label, r]) => ({ label, value: r[metric] }));
      items.sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
      const canvas = h('canvas', { role: 'img', 'aria-label': 'Global importance' });
      const box = h('div', { class: 'chart', style: undefined }, canvas);
      box.classList.add(items.length > 12 ? 'tall' : 'medium');
      grid.append(h('div', { class: 'card chart-card', 'data-testid': 'model-importance' }, box));
      const title = metric === 'mean_abs_shap' ? 'Global importance: mean |SHAP| on the validation set' : `Global importance (${metric})`;
      drawRanking(canvas, { title, xTitle: metric === 'mean_abs_shap' ? `Mean |contribution| (${marginUnit(info)})` : metric, items: items.slice(0, 20) });
    }

    // Training data summary and parameters.
    const t = info.training ?? {};
    const fbody = h('tbody');
    const withDescriptions = info.features.some((f) => (f.description ?? '').trim() !== '');
    for (const f of info.features) {
      const summary =
        f.type === 'numeric'
          ? `${fmt(f.min, 2)} – ${fmt(f.max, 2)} (median ${fmt(f.median, 2)})`
          : `${(f.categories ?? []).length} levels: ${(f.categories ?? []).slice(0, 4).join(', ')}${(f.categories ?? []).length > 4 ? ', …' : ''}`;
      fbody.append(h('tr', {}, h('td', {}, h('code', { text: f.name })), h('td', { text: f.type }), withDescriptions ? h('td', { text: f.description ?? '' }) : null, h('td', { class: 'wrap', text: summary }), h('td', { class: 'num', text: int(f.missing ?? 0) })));
    }
    const impCols = imp.metrics.filter((m) => m !== metric).slice(0, 2);
    void impCols;
    const params = Object.entries(t.params ?? {}).map(([k, val]) => [k, typeof val === 'object' ? JSON.stringify(val) : String(val)] as [string, string]);
    root.append(
      h('div', { class: 'two-col' },
        h('div', { class: 'card' },
          h('h3', { text: 'Provenance' }),
          kv([
            ['Content SHA-256', h('code', { class: 'hash', 'data-testid': 'content-hash', text: info.content_sha256 ?? '—' })],
            ['Model kind', info.kind],
            ['Engine version', info.engine_version ?? '—'],
            ['Bundle format', String(info.format_version ?? '—')],
            ['Created', info.created_at ?? '—'],
            ['Training rows', int(num(t.rows))],
            ['Training data SHA-256', h('code', { class: 'hash', text: String(t.data_sha256 ?? '—') })],
            ['Seed', String(t.seed ?? '—')],
            ['Explanation', `${method.name} (${info.explain?.method ?? '—'}); base value ${marginScale(info) === 'probability' ? pct(num(info.explain?.base_value), 2) : `${fmt(num(info.explain?.base_value), 4)} log-odds`}`],
            ['Margin scale', marginScale(info) === 'probability' ? 'probability (average of the trees)' : 'log-odds'],
            ['Calibration', calibrationText(info)],
            ['Policy', `approve PD < ${pct(info.policy.approve_below, 1)}, decline PD ≥ ${pct(info.policy.decline_at, 1)}; ${info.policy.base_points} points at ${info.policy.base_odds}:1 odds, ${info.policy.pdo} points to double`],
          ]),
        ),
        h('div', { class: 'card' },
          h('h3', { text: 'Training' }),
          kv(
            (
              [
                ['Data file', t.data_file],
                ['Model family', t.model],
                ['Split', t.split],
                ['Training rows', t.train_rows],
                ['Validation rows', t.valid_rows],
                ['Default rate (training)', typeof t.positive_rate_train === 'number' ? pct(t.positive_rate_train, 2) : undefined],
              ] as [string, unknown][]
            )
              .filter(([, x]) => x !== undefined && x !== null && x !== '')
              .map(([k, x]) => [k, typeof x === 'number' ? int(x) : String(x)] as [string, string]),
          ),
          h('h3', { text: 'Parameters' }),
          params.length ? kv(params) : h('p', { class: 'muted small', text: 'None given: the model family\'s defaults were used.' }),
        ),
      ),
      h('div', { class: 'card' },
        h('h3', { text: 'Training data summary' }),
        h('div', { class: 'table-wrap' },
          h('table', { class: 'data' },
            h('thead', {}, h('tr', {}, ...['Feature', 'Type', ...(withDescriptions ? ['Description'] : []), 'Range / levels (training data)', 'Missing'].map((x) => h('th', { scope: 'col', text: x })))),
            fbody,
          ),
        ),
      ),
    );
  }

  state.onBundle((b) => {
    clear(root);
    if (b) render(b);
  });
}
