// MCP Clients: the MCP servers the gateway connects to (GET /api/mcp/clients, Bifrost's shape) and the
// latest MCP tool calls (GET /api/mcp-logs). A gateway without the MCP gateway says so instead.
import { api, query } from '../api.js';
import { h, clear, badge, errorBox, table, time, ms, json } from '../dom.js';
import { formModal, row, words } from '../ui.js';

function clientsOf(r) {
  const list = Array.isArray(r) ? r : r?.clients ?? r?.mcp_clients ?? [];
  return list.map((it) => {
    const cfg = it.config ?? it;
    const tools = (it.tools ?? []).map((t) => (typeof t === 'string' ? t : t.name ?? t.function?.name ?? json(t)));
    return { raw: it, cfg, id: cfg.client_id ?? cfg.id ?? cfg.name, name: cfg.name ?? cfg.client_id ?? '—', state: it.state ?? it.connection_state ?? it.status ?? '—', tools };
  });
}

export async function render(root) {
  const list = h('div', { class: 'table-wrap', id: 'mcp-list' });
  const calls = h('div', { class: 'table-wrap', id: 'mcp-calls' });
  root.append(h('div', { class: 'page-head' }, h('h1', { text: 'MCP Clients' })));
  let r;
  try {
    r = await api('/api/mcp/clients');
  } catch (e) {
    if (e.status === 404) {
      root.append(h('div', { class: 'notice', id: 'mcp-unavailable' },
        'The MCP gateway is not available on this gateway (GET /api/mcp/clients answered 404). Tools from MCP servers can be managed here once it is.'));
      return null;
    }
    throw e;
  }
  const clientPath = (c) => `/api/mcp/client/${encodeURIComponent(c.id)}`;
  const guard = (fn) => async (...a) => {
    try {
      await fn(...a);
    } catch (e) {
      list.prepend(errorBox(e));
    }
  };
  const reconnect = guard(async (c) => {
    await api(`${clientPath(c)}/reconnect`, { method: 'POST', body: {} });
    await load();
  });
  const remove = guard(async (c) => {
    if (!window.confirm(`Remove the MCP client "${c.name}"?`)) return;
    await api(clientPath(c), { method: 'DELETE' });
    await load();
  });

  function draw(clients) {
    clear(list).append(table([
      { label: 'Name', cell: (c) => h('strong', { text: c.name }) },
      { label: 'Connection', cell: (c) => `${c.cfg.connection_type ?? '—'}${c.cfg.connection_string ? ` · ${c.cfg.connection_string}` : c.cfg.stdio_config?.command ? ` · ${c.cfg.stdio_config.command}` : ''}` },
      { label: 'State', cell: (c) => h('div', {}, badge(String(c.state), /connected|ok|ready/i.test(String(c.state)) && !/dis/i.test(String(c.state)) ? 'ok' : 'err'),
        c.raw.error ? h('div', { class: 'small muted', text: String(c.raw.error) }) : null) },
      { label: 'Tools', cell: (c) => h('div', { class: 'small' }, c.tools.length ? c.tools.join(', ') : '—') },
      { label: '', class: 'actions', cell: (c) => h('div', { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => reconnect(c), text: 'Reconnect' }),
        h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => remove(c), text: 'Remove' })) },
    ], clients, { rowAttrs: (c) => ({ dataset: { mcpClient: c.name } }), empty: 'No MCP clients configured.' }));
  }

  async function load() {
    draw(clientsOf(await api('/api/mcp/clients')));
  }

  function add() {
    const f = {
      name: h('input', { name: 'name', required: true }),
      type: h('select', { name: 'connection_type' }, ['http', 'sse', 'stdio'].map((t) => h('option', { value: t, text: t }))),
      url: h('input', { name: 'connection_string', placeholder: 'https://… (http, sse)' }),
      command: h('input', { name: 'command', placeholder: 'npx (stdio)' }),
      args: h('input', { name: 'args', placeholder: '-y @modelcontextprotocol/server-everything (stdio)' }),
      tools: h('input', { name: 'tools_to_execute', value: '*' }),
    };
    formModal('Add MCP client', [row('Name', f.name), row('Connection', f.type), row('URL', f.url), row('Command', f.command), row('Arguments', f.args),
      row('Tools to execute', f.tools, 'Comma-separated; * for all, empty for none.')], 'Add', async () => {
      const body = { name: f.name.value.trim(), connection_type: f.type.value, tools_to_execute: words(f.tools.value) };
      if (f.type.value === 'stdio') body.stdio_config = { command: f.command.value.trim(), args: words(f.args.value) };
      else body.connection_string = f.url.value.trim();
      await api('/api/mcp/client', { method: 'POST', body });
      await load();
    });
  }

  root.querySelector('.page-head').append(h('button', { type: 'button', class: 'btn btn-primary', id: 'mcp-add', onclick: add, text: 'Add MCP client' }));
  root.append(h('section', { class: 'card' }, list), h('section', { class: 'card' }, h('h2', { text: 'Recent tool calls' }), calls));
  draw(clientsOf(r));
  try {
    const logs = await api(`/api/mcp-logs${query({ limit: 50 })}`);
    calls.append(table([
      { label: 'Time', cell: (l) => time(l.timestamp) },
      { label: 'Client', cell: (l) => l.client ?? '—' },
      { label: 'Tool', cell: (l) => h('code', { text: l.tool ?? '' }) },
      { label: 'Status', cell: (l) => badge(l.status ?? '—', l.status === 'success' ? 'ok' : 'err') },
      { label: 'Virtual key', cell: (l) => l.virtual_key_name ?? '—' },
      { label: 'Latency', cell: (l) => ms(l.latency), class: 'num' },
      { label: 'Error', cell: (l) => l.error_details ?? '' },
    ], logs.logs ?? [], { empty: 'No MCP tool calls yet.' }));
  } catch (e) {
    calls.append(h('p', { class: 'muted', text: e.status === 404 ? 'The MCP tool-call log is not available on this gateway.' : e.message }));
  }
  return null;
}
