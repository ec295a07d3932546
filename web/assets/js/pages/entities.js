// Governance > Teams and Customers: named groups whose budget all their virtual keys share.
import { api } from '../api.js';
import { h, clear, usd, errorBox, table } from '../dom.js';
import { formModal, row, numberOf, durationSelect, durationLabel } from '../ui.js';

/** kind: 'team' | 'customer'. */
export async function renderEntities(root, kind) {
  const plural = kind === 'team' ? 'teams' : 'customers';
  const title = kind === 'team' ? 'Teams' : 'Customers';
  const base = `/api/governance/${plural}`;
  const list = h('div', { class: 'table-wrap', id: `${kind}-list` });
  let items = [];
  let customers = [];
  let keys = [];
  let budgets = [];

  async function load() {
    const [r, cs, vks, bs] = await Promise.all([
      api(base),
      kind === 'team' ? api('/api/governance/customers') : Promise.resolve({ customers: [] }),
      api('/api/governance/virtual-keys'),
      api('/api/governance/budgets').catch(() => ({ budgets: [] })),
    ]);
    items = r[plural] ?? [];
    customers = cs.customers ?? [];
    keys = vks.virtual_keys ?? [];
    budgets = bs.budgets ?? [];
    draw();
  }

  const usageOf = (item) => budgets.find((b) => (b.label ?? '').startsWith(`${kind} "${item.name}" budget`));

  function budgetCell(item) {
    const b = item.budget;
    if (!b) return item.budget_id ? `shared budget ${item.budget_id}` : '—';
    const max = b.max_limit ?? b.monthly_limit_usd;
    const u = usageOf(item);
    return `${u ? `${usd(u.current_usage_usd)} / ` : ''}${usd(max)} per ${durationLabel(b.reset_duration ?? '1M')}`;
  }

  function draw() {
    const cols = [{ label: 'Name', cell: (t) => h('strong', { text: t.name }) }];
    if (kind === 'team') cols.push({ label: 'Customer', cell: (t) => customers.find((c) => c.id === t.customer_id)?.name ?? '—' });
    cols.push(
      { label: 'Budget', cell: budgetCell },
      { label: 'Virtual keys', cell: (t) => keys.filter((k) => k[`${kind}_id`] === t.id).map((k) => k.name).join(', ') || '—' },
      { label: '', class: 'actions', cell: (t) => h('div', { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => edit(t), text: 'Edit' }),
        h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => remove(t), text: 'Delete' })) });
    clear(list).append(table(cols, items, { rowAttrs: (t) => ({ dataset: { id: t.id, name: t.name } }), empty: `No ${plural} yet.` }));
  }

  function form(item, onSubmit, heading, submitLabel) {
    const b = item.budget ?? {};
    const name = h('input', { name: 'name', required: true, value: item.name ?? '' });
    const limit = h('input', { name: 'budget', type: 'number', min: 0, step: 'any', value: b.max_limit ?? b.monthly_limit_usd ?? '', placeholder: 'no budget' });
    const reset = durationSelect('budget_reset', b.reset_duration ?? '1M');
    const customer = kind === 'team'
      ? h('select', { name: 'customer_id' }, h('option', { value: '', text: 'None' }),
        customers.map((c) => h('option', { value: c.id, selected: item.customer_id === c.id, text: c.name })))
      : null;
    const fields = [row('Name', name), customer ? row('Customer', customer) : null,
      h('div', { class: 'form-inline' }, row('Budget (USD)', limit), row('Resets', reset))];
    return formModal(heading, fields, submitLabel, async () => {
      const body = { ...item, name: name.value.trim() };
      for (const k of ['created_at', 'updated_at', 'config_hash']) delete body[k];
      if (!body.name) throw new Error('name: required');
      const n = numberOf(limit, 'budget');
      if (n !== undefined) body.budget = { max_limit: n, reset_duration: reset.value, calendar_aligned: reset.value === '1M' || reset.value === '1Y' };
      else delete body.budget;
      if (customer) {
        if (customer.value) body.customer_id = customer.value;
        else delete body.customer_id;
      }
      return onSubmit(body);
    });
  }

  const create = () => form({}, async (body) => {
    await api(base, { method: 'POST', body });
    await load();
  }, `Create ${kind}`, 'Create');
  const edit = (t) => form(t, async (body) => {
    await api(`${base}/${encodeURIComponent(t.id)}`, { method: 'PUT', body });
    await load();
  }, `Edit ${kind} "${t.name}"`, 'Save');
  async function remove(t) {
    if (!window.confirm(`Delete the ${kind} "${t.name}"?`)) return;
    try {
      await api(`${base}/${encodeURIComponent(t.id)}`, { method: 'DELETE' });
      await load();
    } catch (e) {
      list.prepend(errorBox(e));
    }
  }

  root.append(
    h('div', { class: 'page-head' }, h('div', {}, h('div', { class: 'crumb', text: 'Governance' }), h('h1', { text: title })),
      h('button', { type: 'button', class: 'btn btn-primary', id: `${kind}-create`, disabled: true, onclick: () => create(), text: `Create ${kind}` })),
    h('p', { class: 'muted', text: `A ${kind}'s budget is shared by all its virtual keys${kind === 'customer' ? ' and teams' : ''}.` }),
    h('section', { class: 'card' }, list));
  await load();
  root.querySelector(`#${kind}-create`).disabled = false; // a team's form needs the customers
  return null;
}
