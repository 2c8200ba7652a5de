/// The model card, rendered from the bundle's `card` (built by the engine at training; the same
/// JSON `loanlens card` renders as Markdown).
import { h } from '../dom';
import type { ModelCard } from '../review_types';

export function renderCard(card: ModelCard, bundleSha256: string): HTMLElement {
  const root = h('div', { class: 'card model-card', 'data-testid': 'model-card' }, h('h2', { text: card.title }));
  for (const s of card.sections) {
    const sec = h('section', { 'data-section': s.id }, h('h3', { text: s.title }));
    for (const p of s.paragraphs) sec.append(h('p', { class: 'small', text: p }));
    for (const t of s.tables) {
      sec.append(h('div', { class: 'table-wrap' },
        h('table', { class: 'data compact' },
          h('caption', { class: 'small muted', text: t.caption }),
          h('thead', {}, h('tr', {}, ...t.columns.map((c) => h('th', { scope: 'col', text: c })))),
          h('tbody', {}, ...t.rows.map((r) => h('tr', {}, ...r.map((c) => h('td', { text: c })))))),
      ));
    }
    root.append(sec);
  }
  root.append(h('section', { 'data-section': 'bundle' }, h('h3', { text: 'Bundle' }),
    h('p', { class: 'small' }, 'Content SHA-256: ', h('code', { class: 'hash', text: bundleSha256 }),
      ' (any change to the bundle after training changes it, and the engine refuses to load a bundle whose hash does not match).')));
  return root;
}
