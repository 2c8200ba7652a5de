/// Tables of validation evidence shared by the Model screen and the Batch screen's Back-test
/// panel. Every number is the engine's (bundle metrics or a review of an upload), formatted only;
/// cells carry the raw value in data-value for the tests.
import { fmt, h, int, pct } from '../dom';
import type { Backtest, BandRow, CutoffConfusion, GainsRow, Intervals } from '../review_types';

type Cell = string | Node;

export function dataTable(testid: string, columns: string[], rows: Cell[][], caption?: string): HTMLElement {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'data compact', 'data-testid': testid },
      caption ? h('caption', { class: 'small muted', text: caption }) : null,
      h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { scope: 'col', text: c })))),
      h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', { class: 'num' }, c))))))),
  );
}

/// A number cell with its raw value kept for tests.
export function valueCell(x: number | null | undefined, text: string, key = ''): HTMLElement {
  return h('span', { 'data-value': x === null || x === undefined ? '' : String(x), 'data-key': key || undefined, text });
}

function withInterval(m: Backtest | undefined, key: 'auc' | 'ks' | 'gini'): Cell {
  if (!m || typeof m[key] !== 'number') return '—';
  const iv: Intervals | undefined = m.intervals;
  const i = iv?.[key];
  return valueCell(m[key], i && iv.replicates > 0 ? `${fmt(m[key], 3)} [${fmt(i.lower, 3)}, ${fmt(i.upper, 3)}]` : fmt(m[key], 3), key);
}

/// Metric rows for one or two samples (e.g. training sample and validation).
export function metricsTable(testid: string, samples: { label: string; m: Backtest | undefined }[]): HTMLElement {
  const rows: Cell[][] = [];
  for (const key of ['auc', 'gini', 'ks'] as const) rows.push([key.toUpperCase(), ...samples.map((s) => withInterval(s.m, key))]);
  for (const [label, key] of [['Brier', 'brier'], ['Log loss', 'log_loss']] as const)
    rows.push([label, ...samples.map((s) => (s.m ? valueCell(s.m[key], fmt(s.m[key], 4), key) : '—'))]);
  rows.push(['Rows (defaults)', ...samples.map((s) => (s.m ? `${int(s.m.n_rows)} (${int(s.m.n_positive)})` : '—'))]);
  const iv = samples.find((s) => s.m?.intervals)?.m?.intervals;
  const caption = iv ? `${Math.round(iv.level * 100)} % intervals: ${iv.method}, ${int(iv.replicates)} replicates, seed ${iv.seed}.` : undefined;
  return dataTable(testid, ['Metric', ...samples.map((s) => s.label)], rows, caption);
}

export function bandTable(testid: string, rows: BandRow[]): HTMLElement {
  const outcomes = rows.some((r) => r.bad_rate !== undefined);
  return dataTable(testid,
    ['Band', 'Rows', 'Share', 'Mean PD', ...(outcomes ? ['Bad rate', 'Cum. approval rate', 'Cum. bad rate'] : ['Cum. approval rate'])],
    rows.map((r) => [
      h('span', { class: `chip band-${r.band}`, text: r.band }),
      valueCell(r.count, int(r.count), 'count'),
      pct(r.share, 1),
      pct(r.mean_pd, 2),
      ...(outcomes ? [valueCell(r.bad_rate, pct(r.bad_rate, 1), 'bad_rate'), pct(r.cum_approval_rate, 1), pct(r.cum_bad_rate, 1)] : [pct(r.cum_approval_rate, 1)]),
    ]));
}

export function gainsTable(testid: string, gains: GainsRow[]): HTMLElement {
  return dataTable(testid, ['Decile (riskiest first)', 'Rows', 'Defaults', 'Cum. population', 'Cum. defaults captured', 'Lift', 'Cum. lift'],
    gains.map((g) => [String(g.slice), int(g.n), fmt(g.positives, 1), pct(g.cum_population, 0), pct(g.cum_gain, 1), fmt(g.lift, 2), fmt(g.cum_lift, 2)]));
}

export function cutoffTable(testid: string, list: CutoffConfusion[]): HTMLElement {
  return dataTable(testid, ['Cut-off', 'Flagged', 'TP', 'FP', 'TN', 'FN', 'Recall (TPR)', 'FPR', 'Precision'],
    list.map((c) => [`PD ≥ ${pct(c.cutoff, 1)}`, c.meaning, valueCell(c.tp, int(c.tp), 'tp'), valueCell(c.fp, int(c.fp), 'fp'), valueCell(c.tn, int(c.tn), 'tn'), valueCell(c.fn, int(c.fn), 'fn'), pct(c.tpr, 1), pct(c.fpr, 1), pct(c.precision, 1)]));
}

/// Hosmer-Lemeshow in one sentence.
export function hosmerLemeshowText(m: Backtest): string {
  const hl = m.hosmer_lemeshow;
  if (!hl) return '';
  return `Hosmer–Lemeshow on the deciles of PD: ${fmt(hl.statistic, 2)} on ${hl.df} degrees of freedom, p = ${fmt(hl.p_value, 4)}` +
    (hl.p_value < 0.05 ? ' — predicted and observed default rates differ more than chance explains.' : ' — no evidence that predicted and observed default rates differ.');
}
