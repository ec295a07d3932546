// Dialogs and form pieces shared by the management pages.
import { h } from './dom.js';

/** Opens a modal <dialog>; returns it (closed and removed by close()). */
export function modal(title, ...content) {
  const dlg = h('dialog', { class: 'modal' },
    h('div', { class: 'modal-head' }, h('h2', { text: title }),
      h('button', { type: 'button', class: 'btn btn-ghost', 'aria-label': 'Close', onclick: () => close(), text: '×' })),
    ...content);
  const close = () => {
    dlg.close();
    dlg.remove();
  };
  dlg.addEventListener('close', () => dlg.remove());
  dlg.closeModal = close;
  document.body.append(dlg);
  dlg.showModal();
  return dlg;
}

/** A labelled form row. */
export function row(label, input, hint) {
  return h('label', { class: 'form-row' }, h('span', { class: 'form-label', text: label }), input, hint ? h('span', { class: 'hint', text: hint }) : null);
}

/**
 * A form in a modal: fields, a submit button, an error area. submit(form) may throw (its message is shown and
 * the form stays open); it may return a function, run once the form has closed (to show a result).
 */
export function formModal(title, fields, submitLabel, submit) {
  const err = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary', text: submitLabel });
  const form = h('form', { class: 'form' }, fields, err, h('div', { class: 'form-actions' }, btn));
  const dlg = modal(title, form);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    btn.disabled = true;
    err.hidden = true;
    try {
      const after = await submit(form);
      dlg.closeModal();
      if (typeof after === 'function') await after();
    } catch (e) {
      err.textContent = e.message;
      err.hidden = false;
      btn.disabled = false;
    }
  });
  return dlg;
}

/** Shows a secret once (a new virtual key's value) with a copy button. */
export function secretOnce(title, value, note) {
  const input = h('input', { class: 'secret', readonly: true, value, id: 'secret-value', 'data-testid': 'vk-value', size: Math.min(value.length + 2, 60) });
  const copied = h('span', { class: 'muted small', text: '' });
  return modal(title,
    h('p', { class: 'warn', text: note }),
    h('div', { class: 'secret-row' }, input,
      h('button', { type: 'button', class: 'btn', onclick: async () => {
        input.select();
        try {
          await navigator.clipboard.writeText(value);
          copied.textContent = 'Copied';
        } catch {
          copied.textContent = 'Select and copy it (Ctrl+C)';
        }
      } }, 'Copy'), copied));
}

/** Splits "a, b c" into ["a","b","c"]. */
export function words(s) {
  return String(s ?? '').split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
}

/** A number input's value, or undefined when empty. Throws (naming the field) when not a number. */
export function numberOf(input, name) {
  const v = input.value.trim();
  if (v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}: expected a positive number`);
  return n;
}

export const DURATIONS = [['1m', 'minute'], ['1h', 'hour'], ['1d', 'day'], ['1w', 'week'], ['1M', 'month'], ['1Y', 'year']];

/** "1M" -> "month", "30s" -> "30 seconds" (Heimdall's reset durations). */
export function durationLabel(d) {
  const m = /^(\d+)([smhdwMY])$/.exec(String(d ?? ''));
  if (!m) return String(d ?? '');
  const unit = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', M: 'month', Y: 'year' }[m[2]];
  return m[1] === '1' ? unit : `${m[1]} ${unit}s`;
}

export function durationSelect(name, value) {
  return h('select', { name }, DURATIONS.map(([v, l]) => h('option', { value: v, selected: v === value, text: `per ${l}` })));
}
