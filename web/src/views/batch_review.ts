/// Batch screen: the Back-test, Monitoring and Fairness panels. After a file is scored, the
/// engine worker streams it once more through the engine's BatchReview (scores only) and returns
/// the reports; picking another fairness attribute runs that pass again.
import { h } from '../dom';
import type { AppState, LoadedBundle } from '../state';
import type { ReviewResult } from '../review_types';
import { renderBacktest } from './batch_backtest';
import { renderMonitoring } from './batch_monitoring';
import { renderFairness } from './batch_fairness';

export interface ReviewPanels {
  el: HTMLElement;
  run(file: File, b: LoadedBundle): void;
  reset(): void;
}

/// Default attribute: the bundle's first protected column present in the file.
function candidates(b: LoadedBundle, header: string[]): { columns: string[]; preferred: string } {
  const schema = (b.info.schema ?? { columns: [] }) as { columns: { name: string; role: string }[] };
  const features = new Set(b.info.features.map((f) => f.name));
  const columns = header.filter((c) => !features.has(c) && c !== b.info.target.name);
  const prot = schema.columns.filter((c) => c.role === 'protected').map((c) => c.name);
  return { columns, preferred: prot.find((p) => columns.includes(p)) ?? columns[0] ?? '' };
}

export function createReviewPanels(state: AppState): ReviewPanels {
  const backtest = h('div', { class: 'card', 'data-testid': 'batch-backtest', hidden: true });
  const monitoring = h('div', { class: 'card', 'data-testid': 'batch-monitoring', hidden: true });
  const fairness = h('div', { class: 'card', 'data-testid': 'batch-fairness', hidden: true });
  const status = h('p', { class: 'muted small', 'data-testid': 'review-status' });
  const el = h('div', { class: 'review-panels' }, status, backtest, monitoring, fairness);
  const picker = h('select', { id: 'fairness-attribute', 'data-testid': 'fairness-attribute' });
  let generation = 0;
  let current: { file: File; b: LoadedBundle } | null = null;

  const request = async (attribute: string): Promise<ReviewResult | null> => {
    if (!current) return null;
    const mine = ++generation;
    el.dataset.reviewDone = '';
    status.textContent = 'Back-test, drift and fairness review: reading the file again in the engine…';
    const r = await state.client.review({ handle: current.b.handle, file: current.file, sourceName: current.file.name, attribute });
    return mine === generation ? r : null;
  };
  const done = () => {
    status.textContent = '';
    el.dataset.reviewDone = '1';
  };
  const fail = (e: unknown) => {
    status.textContent = `Review failed: ${(e as Error).message}`;
    status.classList.add('error-text');
  };

  picker.addEventListener('change', () => {
    request(picker.value).then((r) => {
      if (!r || !current) return;
      renderFairness(fairness, picker, r.fairness);
      done();
    }, fail);
  });

  return {
    el,
    reset() {
      generation++;
      current = null;
      status.textContent = '';
      status.classList.remove('error-text');
      for (const p of [backtest, monitoring, fairness]) p.hidden = true;
      delete el.dataset.reviewDone;
    },
    run(file, b) {
      if (!b.info.drift_reference) {
        status.textContent = 'This bundle has no drift reference (trained by an older LoanLens): retrain it for the back-test, monitoring and fairness panels.';
        return;
      }
      current = { file, b };
      // The header is known from the first pass only; read it from the file's first line.
      file.slice(0, 64 * 1024).text().then((head) => {
        const header = (head.split(/\r?\n/)[0] ?? '').split(',').map((c) => c.replace(/^"|"$/g, ''));
        const { columns, preferred } = candidates(b, header);
        picker.replaceChildren(...columns.map((c) => h('option', { value: c, text: c })));
        picker.value = preferred;
        return request(preferred);
      }).then((r) => {
        if (!r) return;
        renderBacktest(backtest, b.info, r.backtest, r.has_target);
        renderMonitoring(monitoring, b.info, r.monitor);
        if (picker.options.length) renderFairness(fairness, picker, r.fairness);
        done();
      }, fail);
    },
  };
}
