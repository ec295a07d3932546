// One provider: its settings (edited as JSON) and its keys (add, enable/disable, edit, delete).
import { api } from '../api.js';
import { h, clear, errorBox, badge, table, json, card } from '../dom.js';
import { formModal, row, words } from '../ui.js';
import { shown } from './providers.js';

function jsonEditor(title, value, onSave) {
  const area = h('textarea', { class: 'json-edit', rows: 18, spellcheck: 'false', name: 'json' });
  area.value = json(value);
  return formModal(title, [area, h('p', { class: 'hint', text: 'Secrets show as "***": leave them so to keep the stored value.' })], 'Save', async () => {
    let body;
    try {
      body = JSON.parse(area.value);
    } catch (e) {
      throw new Error(`not valid JSON: ${e.message}`);
    }
    await onSave(body);
  });
}

function aliasesText(aliases) {
  return Object.entries(aliases ?? {}).map(([m, d]) => `${m} = ${typeof d === 'string' ? d : d.model_id ?? json(d)}`).join('\n');
}

function parseAliases(text) {
  const out = {};
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    const m = /^\s*([^=]+?)\s*=\s*(\S+)\s*$/.exec(line);
    if (!m) throw new Error(`deployments line ${i + 1}: expected "model = deployment"`);
    out[m[1]] = m[2];
  }
  return out;
}

export async function render(root, [name]) {
  const path = `/api/providers/${encodeURIComponent(name)}`;
  const settingsEl = h('div');
  const keysEl = h('div', { class: 'table-wrap', id: 'key-list' });
  let settings = {};

  async function load() {
    const [p, k] = await Promise.all([api(path), api(`${path}/keys`)]);
    settings = p;
    const isAzure = name === 'azure';
    clear(settingsEl).append(h('dl', { class: 'kv' },
      h('dt', { text: 'Base URL' }), h('dd', { text: shown(p.network_config?.base_url) }),
      h('dt', { text: 'Request timeout' }), h('dd', { text: p.network_config?.default_request_timeout_in_seconds ? `${p.network_config.default_request_timeout_in_seconds} s` : 'default' }),
      h('dt', { text: 'Retries' }), h('dd', { text: String(p.network_config?.max_retries ?? 0) }),
      h('dt', { text: 'Fallbacks' }), h('dd', { text: (p.fallbacks ?? []).map((f) => (typeof f === 'string' ? f : f.provider)).join(', ') || '—' })));
    clear(keysEl).append(table([
      { label: 'Name', cell: (key) => h('strong', { text: key.name }) },
      { label: 'Value', cell: (key) => shown(key.value) },
      { label: 'Models', cell: (key) => (key.models ?? ['*']).join(', ') || 'none' },
      ...(isAzure ? [
        { label: 'Endpoint', cell: (key) => shown(key.azure_key_config?.endpoint) },
        { label: 'Deployments', cell: (key) => h('pre', { class: 'inline-pre', text: aliasesText(key.aliases) || '—' }) },
      ] : []),
      { label: 'Weight', cell: (key) => String(key.weight ?? 1), class: 'num' },
      { label: 'Status', cell: (key) => badge(key.enabled === false ? 'disabled' : 'enabled', key.enabled === false ? 'err' : 'ok') },
      { label: '', class: 'actions', cell: (key) => h('div', { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => toggle(key), text: key.enabled === false ? 'Enable' : 'Disable' }),
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => editKey(key), text: 'Edit' }),
        h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => removeKey(key), text: 'Delete' })) },
    ], k.keys ?? [], { rowAttrs: (key) => ({ dataset: { keyId: key.id, keyName: key.name } }), empty: 'No keys: requests to this provider fail until you add one.' }));
  }

  const keyPath = (key) => `${path}/keys/${encodeURIComponent(key.id)}`;
  const guard = (fn) => async (...a) => {
    try {
      await fn(...a);
    } catch (e) {
      keysEl.prepend(errorBox(e));
    }
  };
  const toggle = guard(async (key) => {
    const body = { ...key, enabled: key.enabled === false };
    delete body.provider;
    await api(keyPath(key), { method: 'PUT', body });
    await load();
  });
  const removeKey = guard(async (key) => {
    if (!window.confirm(`Delete the key "${key.name}"?`)) return;
    await api(keyPath(key), { method: 'DELETE' });
    await load();
  });
  const editKey = (key) => {
    const body = { ...key };
    delete body.provider;
    jsonEditor(`Edit key "${key.name}"`, body, async (b) => {
      await api(keyPath(key), { method: 'PUT', body: b });
      await load();
    });
  };
  const editSettings = () => {
    const body = { ...settings };
    delete body.name;
    delete body.key_count;
    jsonEditor(`Edit provider "${name}"`, body, async (b) => {
      await api(path, { method: 'PUT', body: b });
      await load();
    });
  };

  function addKey() {
    const isAzure = name === 'azure';
    const f = {
      name: h('input', { name: 'name', required: true, placeholder: isAzure ? 'azure-api-key' : 'main' }),
      value: h('input', { name: 'value', type: 'password', autocomplete: 'off', placeholder: 'env.AZURE_API_KEY or the key itself' }),
      models: h('input', { name: 'models', value: '*' }),
      weight: h('input', { name: 'weight', type: 'number', step: 'any', min: 0, value: 1 }),
      endpoint: h('input', { name: 'endpoint', placeholder: 'https://my-resource.openai.azure.com or env.AZURE_ENDPOINT' }),
      apiVersion: h('input', { name: 'api_version', value: '2024-10-21' }),
      aliases: h('textarea', { name: 'aliases', rows: 4, placeholder: 'claude-sonnet-4-6 = my-claude-sonnet-deployment' }),
    };
    formModal(`Add a key to ${name}`, [
      row('Name', f.name), row('Value', f.value, isAzure ? 'Leave empty to use Entra ID (edit the key as JSON to set it up).' : null),
      row('Models', f.models, 'Comma-separated; * for all.'), row('Weight', f.weight),
      isAzure ? [row('Endpoint', f.endpoint), row('API version', f.apiVersion), row('Deployments', f.aliases, 'One per line: model = deployment name.')] : null,
    ], 'Add key', async () => {
      const body = { name: f.name.value.trim(), models: words(f.models.value), weight: Number(f.weight.value || 1) };
      if (f.value.value) body.value = f.value.value;
      if (isAzure) {
        body.azure_key_config = { endpoint: f.endpoint.value.trim(), api_version: f.apiVersion.value.trim() || '2024-10-21' };
        const aliases = parseAliases(f.aliases.value);
        if (Object.keys(aliases).length) body.aliases = aliases;
      }
      await api(`${path}/keys`, { method: 'POST', body });
      await load();
    });
  }

  root.append(
    h('a', { href: '/providers', class: 'back' }, '← Providers'),
    h('div', { class: 'page-head' }, h('h1', { text: name }),
      h('div', { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn', onclick: editSettings, text: 'Edit settings' }),
        h('button', { type: 'button', class: 'btn btn-primary', id: 'key-add', onclick: addKey, text: 'Add key' }))),
    card('Settings', settingsEl),
    card('Keys', keysEl));
  await load();
  return null;
}
