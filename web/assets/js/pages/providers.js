// Providers: the configured providers and how many keys each has; add or delete a provider.
import { api } from '../api.js';
import { h, clear, num, errorBox, table } from '../dom.js';
import { formModal, row } from '../ui.js';

/** A secret or EnvVar field as the API shows it ({value, env_var, from_env}) in a form fit for display. */
export function shown(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'object') {
    if (v.value === '***' || v.value === undefined) return v.env_var || '(secret)';
    return v.env_var ? `${v.value} (${v.env_var})` : String(v.value);
  }
  return String(v);
}

export async function render(root) {
  const list = h('div', { class: 'table-wrap', id: 'provider-list' });
  let providers = [];

  async function load() {
    providers = (await api('/api/providers')).providers ?? [];
    clear(list).append(table([
      { label: 'Name', cell: (p) => h('a', { href: `/providers/${encodeURIComponent(p.name)}`, text: p.name }) },
      { label: 'Type', cell: (p) => p.custom_provider_config?.base_provider_type ? `custom (${p.custom_provider_config.base_provider_type})` : p.name },
      { label: 'Base URL', cell: (p) => shown(p.network_config?.base_url) },
      { label: 'Keys', cell: (p) => num(p.key_count ?? 0), class: 'num' },
      { label: 'Fallbacks', cell: (p) => (p.fallbacks ?? []).map((f) => (typeof f === 'string' ? f : f.provider)).join(', ') || '—' },
      { label: '', class: 'actions', cell: (p) => h('div', { class: 'btn-row' },
        h('a', { class: 'btn btn-small', href: `/providers/${encodeURIComponent(p.name)}`, text: 'Manage' }),
        h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => remove(p), text: 'Delete' })) },
    ], providers, { rowAttrs: (p) => ({ dataset: { provider: p.name } }), empty: 'No providers yet. Add Azure or Anthropic to start routing requests.' }));
  }

  async function remove(p) {
    if (!window.confirm(`Delete the provider "${p.name}" and its ${p.key_count ?? 0} key(s)?`)) return;
    try {
      await api(`/api/providers/${encodeURIComponent(p.name)}`, { method: 'DELETE' });
      await load();
    } catch (e) {
      list.prepend(errorBox(e));
    }
  }

  function add() {
    const name = h('input', { name: 'provider', required: true, list: 'provider-names', placeholder: 'azure' });
    const type = h('select', { name: 'base_provider_type' },
      h('option', { value: '', text: 'Built-in (azure, anthropic, openai)' }),
      h('option', { value: 'anthropic', text: 'Custom, Anthropic-compatible' }),
      h('option', { value: 'openai', text: 'Custom, OpenAI-compatible (vLLM, …)' }));
    const baseUrl = h('input', { name: 'base_url', placeholder: 'https://… or env.VAR (optional for built-ins)' });
    formModal('Add provider', [
      h('datalist', { id: 'provider-names' }, ['azure', 'anthropic', 'openai'].map((n) => h('option', { value: n }))),
      row('Name', name), row('Type', type), row('Base URL', baseUrl),
    ], 'Add', async () => {
      const body = { provider: name.value.trim() };
      if (baseUrl.value.trim()) body.network_config = { base_url: baseUrl.value.trim() };
      if (type.value) body.custom_provider_config = { base_provider_type: type.value };
      await api('/api/providers', { method: 'POST', body });
      await load();
    });
  }

  root.append(
    h('div', { class: 'page-head' }, h('h1', { text: 'Providers' }),
      h('button', { type: 'button', class: 'btn btn-primary', id: 'provider-add', onclick: add, text: 'Add provider' })),
    h('section', { class: 'card' }, list));
  await load();
  return null;
}
