// Governance > Virtual Keys: the keys with their budgets, rate limits and current usage; create (the value
// is shown once), edit, rotate, delete.
import { api } from '../api.js';
import { h, clear, usd, num, badge, errorBox, table } from '../dom.js';
import { formModal, row, secretOnce, words, numberOf, durationSelect } from '../ui.js';

function usageCell(vk) {
  const usage = vk.usage ?? [];
  if (!usage.length) return h('span', { class: 'muted', text: 'no limits' });
  return h('div', { class: 'usage' }, usage.map((u) => {
    const spend = u.kind === 'budget';
    const used = spend ? u.current_usage_usd : u.current_usage;
    const max = spend ? u.max_limit_usd : u.max_limit;
    const frac = max > 0 ? Math.min(1, used / max) : 0;
    const bar = h('div', { class: 'meter' }, h('div', { class: `meter-fill ${frac >= 1 ? 'full' : frac > 0.8 ? 'high' : ''}` }));
    bar.firstChild.style.width = `${(frac * 100).toFixed(1)}%`;
    return h('div', { class: 'usage-item', title: u.label, dataset: { kind: u.kind } },
      h('span', { class: 'small', text: spend ? `${usd(used)} / ${usd(max)}` : `${num(used)} / ${num(max)} ${u.kind}` }), bar);
  }));
}

function providersOf(vk) {
  if (vk.provider_configs?.length) return vk.provider_configs.map((p) => p.provider);
  return vk.allowed_providers ?? [];
}

function modelsOf(vk) {
  const all = new Set();
  for (const p of vk.provider_configs ?? []) for (const m of p.allowed_models ?? ['*']) all.add(m);
  return [...all].filter((m) => m !== '*');
}

/** The create/edit form; `base` is the stored key (edit) or {} (create). Resolves to the body to send. */
function vkForm(base, providers, teams, customers, onSubmit, title, submitLabel) {
  const budget = base.budget ?? {};
  const rl = base.rate_limit ?? {};
  const f = {
    name: h('input', { name: 'name', required: true, value: base.name ?? '', placeholder: 'claude-code-azure' }),
    description: h('input', { name: 'description', value: base.description ?? '' }),
    models: h('input', { name: 'models', value: modelsOf(base).join(', '), placeholder: 'all models' }),
    budget: h('input', { name: 'budget', type: 'number', min: 0, step: 'any', value: budget.max_limit ?? budget.monthly_limit_usd ?? '', placeholder: 'no budget' }),
    budgetReset: durationSelect('budget_reset', budget.reset_duration ?? '1M'),
    aligned: h('input', { name: 'calendar_aligned', type: 'checkbox', checked: budget.calendar_aligned ?? budget.monthly_limit_usd !== undefined }),
    requests: h('input', { name: 'request_limit', type: 'number', min: 0, step: 1, value: rl.request_max_limit ?? '', placeholder: 'unlimited' }),
    requestsReset: durationSelect('request_reset', rl.request_reset_duration ?? '1m'),
    tokens: h('input', { name: 'token_limit', type: 'number', min: 0, step: 1, value: rl.token_max_limit ?? '', placeholder: 'unlimited' }),
    tokensReset: durationSelect('token_reset', rl.token_reset_duration ?? '1h'),
    owner: h('select', { name: 'owner' },
      h('option', { value: '', text: 'No team or customer' }),
      teams.map((t) => h('option', { value: `team:${t.id}`, selected: base.team_id === t.id, text: `Team: ${t.name}` })),
      customers.map((c) => h('option', { value: `customer:${c.id}`, selected: base.customer_id === c.id, text: `Customer: ${c.name}` }))),
    active: h('input', { name: 'is_active', type: 'checkbox', checked: base.is_active ?? true }),
  };
  const chosen = new Set(providersOf(base));
  const boxes = providers.map((p) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name: 'provider', value: p.name, checked: chosen.has(p.name) }), p.name));
  const fields = [
    row('Name', f.name), row('Description', f.description),
    h('fieldset', { class: 'form-row' }, h('legend', { text: 'Providers' }),
      boxes.length ? boxes : h('span', { class: 'muted', text: 'No providers configured yet.' }),
      h('span', { class: 'hint', text: 'The key may use only the providers ticked here.' })),
    row('Allowed models', f.models, 'Comma-separated; empty means every model of the chosen providers.'),
    h('div', { class: 'form-inline' }, row('Budget (USD)', f.budget), row('Resets', f.budgetReset), h('label', { class: 'check' }, f.aligned, 'calendar aligned')),
    h('div', { class: 'form-inline' }, row('Request limit', f.requests), row('Window', f.requestsReset)),
    h('div', { class: 'form-inline' }, row('Token limit', f.tokens), row('Window', f.tokensReset)),
    row('Belongs to', f.owner),
    h('label', { class: 'check' }, f.active, 'Active'),
  ];
  return formModal(title, fields, submitLabel, async (form) => {
    const body = { ...base };
    for (const k of ['usage', 'value_prefix', 'previous_values', 'created_at', 'updated_at', 'config_hash']) delete body[k];
    body.name = f.name.value.trim();
    if (!body.name) throw new Error('name: required');
    body.description = f.description.value.trim();
    if (!body.description) delete body.description;
    body.is_active = f.active.checked;
    const selected = [...form.querySelectorAll('input[name=provider]:checked')].map((i) => i.value);
    const models = words(f.models.value);
    if (models.length || base.provider_configs?.length) {
      body.provider_configs = selected.map((p) => {
        const prev = (base.provider_configs ?? []).find((x) => x.provider === p) ?? { provider: p, weight: 1 };
        return { ...prev, allowed_models: models.length ? models : ['*'] };
      });
      delete body.allowed_providers;
    } else {
      body.allowed_providers = selected;
      delete body.provider_configs;
    }
    const limit = numberOf(f.budget, 'budget');
    if (limit !== undefined) body.budget = { max_limit: limit, reset_duration: f.budgetReset.value, calendar_aligned: f.aligned.checked };
    else delete body.budget;
    const reqs = numberOf(f.requests, 'request limit');
    const toks = numberOf(f.tokens, 'token limit');
    if (reqs !== undefined || toks !== undefined) {
      body.rate_limit = {};
      if (reqs !== undefined) Object.assign(body.rate_limit, { request_max_limit: reqs, request_reset_duration: f.requestsReset.value });
      if (toks !== undefined) Object.assign(body.rate_limit, { token_max_limit: toks, token_reset_duration: f.tokensReset.value });
    } else delete body.rate_limit;
    delete body.team_id;
    delete body.customer_id;
    const [kind, id] = f.owner.value.split(/:(.*)/s);
    if (kind === 'team') body.team_id = id;
    if (kind === 'customer') body.customer_id = id;
    return onSubmit(body);
  });
}

export async function render(root) {
  const list = h('div', { class: 'table-wrap', id: 'vk-list' });
  let providers = [];
  let teams = [];
  let customers = [];
  let keys = [];

  async function load() {
    const [vks, ps, ts, cs] = await Promise.all([
      api('/api/governance/virtual-keys'), api('/api/providers'),
      api('/api/governance/teams'), api('/api/governance/customers'),
    ]);
    keys = vks.virtual_keys ?? [];
    providers = ps.providers ?? [];
    teams = ts.teams ?? [];
    customers = cs.customers ?? [];
    draw();
  }

  const owner = (vk) => {
    if (vk.team_id) return `Team: ${teams.find((t) => t.id === vk.team_id)?.name ?? vk.team_id}`;
    if (vk.customer_id) return `Customer: ${customers.find((c) => c.id === vk.customer_id)?.name ?? vk.customer_id}`;
    return '—';
  };

  function draw() {
    clear(list).append(table([
      { label: 'Name', cell: (k) => h('div', {}, h('strong', { text: k.name }), k.description ? h('div', { class: 'muted small', text: k.description }) : null) },
      { label: 'Key', cell: (k) => h('code', { text: k.value_prefix ? `${k.value_prefix}…` : '—' }) },
      { label: 'Status', cell: (k) => badge(k.is_active === false ? 'inactive' : 'active', k.is_active === false ? 'err' : 'ok') },
      { label: 'Providers', cell: (k) => providersOf(k).join(', ') || '—' },
      { label: 'Budget and limits', cell: usageCell },
      { label: 'Belongs to', cell: owner },
      { label: '', class: 'actions', cell: (k) => h('div', { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => edit(k), text: 'Edit' }),
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => rotate(k), text: 'Rotate' }),
        h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => remove(k), text: 'Delete' })) },
    ], keys, { rowAttrs: (k) => ({ dataset: { vkId: k.id, vkName: k.name } }), empty: 'No virtual keys yet. Create one to give a developer access without sharing provider secrets.' }));
  }

  const create = () => vkForm({}, providers, teams, customers, async (body) => {
    const r = await api('/api/governance/virtual-keys', { method: 'POST', body });
    return async () => {
      secretOnce(`Virtual key "${r.name}" created`, r.value, 'Copy this key now: it is shown only once. Clients send it as x-bf-vk, Authorization: Bearer, or x-api-key.');
      await load();
    };
  }, 'Create virtual key', 'Create');

  const edit = (k) => vkForm(k, providers, teams, customers, async (body) => {
    await api(`/api/governance/virtual-keys/${encodeURIComponent(k.id)}`, { method: 'PUT', body });
    await load();
  }, `Edit virtual key "${k.name}"`, 'Save');

  async function rotate(k) {
    if (!window.confirm(`Give "${k.name}" a new value? The old value stops working at once.`)) return;
    try {
      const r = await api(`/api/governance/virtual-keys/${encodeURIComponent(k.id)}/rotate`, { method: 'POST', body: {} });
      secretOnce(`New value for "${k.name}"`, r.value, 'Copy this key now: it is shown only once.');
      await load();
    } catch (e) {
      list.prepend(errorBox(e));
    }
  }

  async function remove(k) {
    if (!window.confirm(`Delete the virtual key "${k.name}"? Clients using it are refused from now on.`)) return;
    try {
      await api(`/api/governance/virtual-keys/${encodeURIComponent(k.id)}`, { method: 'DELETE' });
      await load();
    } catch (e) {
      list.prepend(errorBox(e));
    }
  }

  root.append(
    h('div', { class: 'page-head' }, h('div', {}, h('div', { class: 'crumb', text: 'Governance' }), h('h1', { text: 'Virtual Keys' })),
      h('button', { type: 'button', class: 'btn btn-primary', id: 'vk-create', disabled: true, onclick: () => create(), text: 'Create virtual key' })),
    h('section', { class: 'card' }, list));
  await load();
  root.querySelector('#vk-create').disabled = false; // the form needs the providers, teams and customers
  return null;
}
