// One request: summary, tokens and cost, attempts, the conversation (messages and tool calls) and the raw JSON.
import { api, ApiError } from '../api.js';
import { h, add, num, usd, ms, time, badge, card, json, table } from '../dom.js';

function field(label, value, key) {
  return [h('dt', { text: label }), h('dd', { dataset: { field: key }, text: value === null || value === undefined || value === '' ? '—' : String(value) })];
}

/** Text of an OpenAI or Anthropic content value (string or blocks). */
function blocks(content) {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (Array.isArray(content)) return content;
  return [content];
}

function renderBlock(b) {
  switch (b?.type) {
    case 'text':
    case 'input_text':
    case 'output_text':
      return h('div', { class: 'msg-text', text: b.text ?? '' });
    case 'thinking':
      return h('details', { class: 'msg-thinking' }, h('summary', { text: 'Thinking' }), h('div', { class: 'msg-text', text: b.thinking ?? '' }));
    case 'redacted_thinking':
      return h('div', { class: 'muted', text: '[redacted thinking]' });
    case 'tool_use':
      return h('div', { class: 'tool-call' }, h('div', { class: 'tool-head' }, badge('tool call', 'tool'), h('code', { text: b.name ?? '' }), h('span', { class: 'muted small', text: b.id ?? '' })),
        h('pre', { class: 'code', text: json(b.input ?? {}) }));
    case 'tool_result':
      return h('div', { class: 'tool-result' }, h('div', { class: 'tool-head' }, badge(b.is_error ? 'tool error' : 'tool result', b.is_error ? 'err' : 'tool'), h('span', { class: 'muted small', text: b.tool_use_id ?? '' })),
        blocks(b.content).map(renderBlock));
    case 'image':
    case 'image_url':
      return h('div', { class: 'muted', text: '[image]' });
    case 'document':
      return h('div', { class: 'muted', text: '[document]' });
    default:
      return h('pre', { class: 'code', text: json(b) });
  }
}

function message(role, content, extra = []) {
  return h('div', { class: `msg msg-${role}` }, h('div', { class: 'msg-role', text: role }), blocks(content).map(renderBlock), extra);
}

function openAIToolCalls(calls) {
  return (calls ?? []).map((c) => {
    let args = c.function?.arguments ?? '';
    try { args = json(JSON.parse(args)); } catch { /* show as sent */ }
    return h('div', { class: 'tool-call' }, h('div', { class: 'tool-head' }, badge('tool call', 'tool'), h('code', { text: c.function?.name ?? '' }), h('span', { class: 'muted small', text: c.id ?? '' })),
      h('pre', { class: 'code', text: args }));
  });
}

function conversation(input, output) {
  const out = [];
  if (input && typeof input === 'object') {
    if (input.system) out.push(message('system', input.system));
    for (const m of input.messages ?? []) {
      const content = m.role === 'tool' ? [{ type: 'tool_result', tool_use_id: m.tool_call_id, content: m.content }] : m.content;
      out.push(message(m.role ?? 'message', content, openAIToolCalls(m.tool_calls)));
    }
  }
  if (output && typeof output === 'object') {
    if (Array.isArray(output.content)) out.push(message('assistant', output.content));
    for (const c of output.choices ?? []) {
      out.push(message(c.message?.role ?? 'assistant', c.message?.content ?? '', openAIToolCalls(c.message?.tool_calls)));
    }
  }
  return out;
}

function tools(input) {
  const list = input?.tools ?? [];
  if (!list.length) return null;
  return card(`Tools offered (${list.length})`, h('ul', { class: 'tools' },
    list.map((t) => h('li', {}, h('code', { text: t.name ?? t.function?.name ?? t.type ?? '' }), ' ', h('span', { class: 'muted', text: t.description ?? t.function?.description ?? '' })))));
}

// A row announced by the live feed is stored a moment later (the log writer commits in batches): a
// missing record is asked for again for a few seconds before the page gives up.
async function fetchLog(id) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await api(`/api/logs/${encodeURIComponent(id)}`);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404 || attempt >= 15) throw e;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

export async function render(root, [id]) {
  const l = await fetchLog(id);
  const ok = l.status === 'success';
  add(root,
    h('a', { href: '/logs', class: 'back' }, '← Logs'),
    h('div', { class: 'page-head' }, h('h1', {}, 'Request ', h('code', { text: l.id })), badge(`${l.status_code ?? ''} ${l.status}`.trim(), ok ? 'ok' : 'err')),
    l.error_details ? h('div', { class: 'error-box', id: 'log-error', text: typeof l.error_details === 'string' ? l.error_details : json(l.error_details) }) : null,
    h('div', { class: 'grid2' },
      card('Request', h('dl', { class: 'kv', id: 'log-summary' },
        field('Time', time(l.timestamp), 'timestamp'),
        field('API', l.object, 'object'),
        field('Provider', l.provider, 'provider'),
        field('Model', l.model, 'model'),
        field('Served model', l.served_model, 'served_model'),
        field('Deployment', l.deployment, 'deployment'),
        field('Provider key', l.selected_key_name, 'selected_key_name'),
        field('Virtual key', l.virtual_key_name, 'virtual_key_name'),
        field('Team', l.team_name, 'team_name'),
        field('Customer', l.customer_name, 'customer_name'),
        field('Streamed', l.stream ? 'yes' : 'no', 'stream'),
        field('Stop reason', l.stop_reason, 'stop_reason'),
        field('Trace id', l.trace_id, 'trace_id'))),
      card('Usage and timing', h('dl', { class: 'kv', id: 'log-usage' },
        field('Input tokens', num(l.prompt_tokens), 'prompt_tokens'),
        field('Output tokens', num(l.completion_tokens), 'completion_tokens'),
        field('Cache read tokens', num(l.cached_read_tokens), 'cached_read_tokens'),
        field('Cache write tokens', num(l.cached_write_tokens), 'cached_write_tokens'),
        field('Total tokens', num(l.total_tokens), 'total_tokens'),
        field('Cost', l.cost !== null && l.cost !== undefined ? usd(l.cost) : ok ? 'no price for this model' : '—', 'cost'),
        field('Latency', ms(l.latency), 'latency'),
        field('Time to first token', l.time_to_first_token === null || l.time_to_first_token === undefined ? '—' : ms(l.time_to_first_token), 'time_to_first_token'),
        field('Retries', num(l.number_of_retries ?? 0), 'number_of_retries'),
        field('Fallback', (l.fallback_index ?? -1) < 0 ? 'none (primary provider)' : `#${l.fallback_index + 1}`, 'fallback_index')))),
    card(`Attempts (${(l.attempts ?? []).length})`, table([
      { label: '#', cell: (a) => String((l.attempts ?? []).indexOf(a) + 1) },
      { label: 'Provider', cell: (a) => a.provider ?? '—' },
      { label: 'Model', cell: (a) => a.model ?? '—' },
      { label: 'Deployment', cell: (a) => a.deployment ?? '—' },
      { label: 'Key', cell: (a) => a.key_name ?? '—' },
      { label: 'Status', cell: (a) => (a.status === 0 ? 'no answer' : String(a.status ?? '—')) },
      { label: 'Error', cell: (a) => a.error ?? '' },
      { label: 'Started', cell: (a) => time(a.started_at) },
      { label: 'Latency', cell: (a) => ms(a.latency), class: 'num' },
    ], l.attempts ?? [], { empty: 'No upstream attempt was made.' })),
    Object.keys(l.labels ?? {}).length ? card('Labels', h('dl', { class: 'kv' }, Object.entries(l.labels).map(([k, v]) => field(k, v, `label-${k}`)))) : null,
    tools(l.input),
    card('Conversation', (l.input || l.output)
      ? h('div', { class: 'conversation', id: 'conversation' }, conversation(l.input, l.output))
      : h('p', { class: 'muted', text: 'Content was not logged for this request (client.disable_content_logging, or logging off).' })),
    card('Raw JSON',
      h('details', { open: false }, h('summary', { text: 'Request body' }), h('pre', { class: 'code', id: 'raw-input', text: json(l.input ?? null) })),
      h('details', {}, h('summary', { text: 'Response body' }), h('pre', { class: 'code', id: 'raw-output', text: json(l.output ?? null) })),
      l.output_raw ? h('details', {}, h('summary', { text: 'Response stream (SSE)' }), h('pre', { class: 'code', text: l.output_raw })) : null,
      h('details', {}, h('summary', { text: 'Log entry' }), h('pre', { class: 'code', id: 'raw-entry', text: json(l) }))));
  return null;
}
