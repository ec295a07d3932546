// Shared state and helpers for the fake LLM upstream.

export const DEFAULT_CONFIG = Object.freeze({
  anthropic_keys: ['sk-ant-fake'],
  azure_keys: ['azure-fake-key'],
  azure_tokens: ['azure-fake-token'],
  openai_keys: ['sk-openai-fake'],
  // null = default rule (claude: name contains "claude"; openai: contains "gpt" or starts with "o").
  claude_deployments: null,
  openai_deployments: null,
  azure_count_tokens: false,
  // Azure OpenAI: add prompt_filter_results / content_filter_results like the real service.
  azure_filter_results: false,
  // Reject requests missing fields the real APIs require (model, messages, max_tokens).
  strict: true,
  // Record requests (turn off for long benchmarks to keep memory flat).
  record: true,
});

const CONFIG_TYPES = {
  anthropic_keys: 'list', azure_keys: 'list', azure_tokens: 'list', openai_keys: 'list',
  claude_deployments: 'list-or-null', openai_deployments: 'list-or-null',
  azure_count_tokens: 'bool', azure_filter_results: 'bool', strict: 'bool', record: 'bool',
};

let recordDefault = true;

export const state = {
  config: defaultConfig(),
  script: [],
  records: [],
  abortedCount: 0,
  seq: 0,
  waiters: new Set(),
  issued_tokens: new Map(), // Entra ID tokens from entra.mjs -> expiry (ms since epoch)
};

/** --no-record: recording stays off by default, also after a reset. */
export function setRecordDefault(v) {
  recordDefault = v;
  state.config.record = v;
}

export function defaultConfig() {
  const c = {};
  for (const [k, v] of Object.entries(DEFAULT_CONFIG)) c[k] = Array.isArray(v) ? [...v] : v;
  c.record = recordDefault;
  return c;
}

/** Applies a partial config; returns an error string or null. */
export function applyConfig(patch) {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return 'config must be a JSON object';
  for (const [k, v] of Object.entries(patch)) {
    const t = CONFIG_TYPES[k];
    if (!t) return `unknown config key: ${k}`;
    const isList = Array.isArray(v) && v.every((x) => typeof x === 'string');
    if (t === 'bool' && typeof v !== 'boolean') return `${k} must be a boolean`;
    if (t === 'list' && !isList) return `${k} must be an array of strings`;
    if (t === 'list-or-null' && v !== null && !isList) return `${k} must be an array of strings or null`;
  }
  for (const [k, v] of Object.entries(patch)) state.config[k] = Array.isArray(v) ? [...v] : v;
  return null;
}

export function resetAll() {
  state.records = [];
  state.abortedCount = 0;
  state.script = [];
  state.config = defaultConfig();
  state.issued_tokens.clear();
  notify();
}

/** Wakes long-poll waiters whose condition now holds. */
export function notify() {
  for (const w of state.waiters) {
    if (w.check()) {
      state.waiters.delete(w);
      w.resolve();
    }
  }
}

const NO_REPLY = Object.freeze({});

/**
 * Takes the first queued reply applicable to `path`. Replies without `match` apply only to
 * generation endpoints (messages / chat completions); other endpoints (count_tokens, models)
 * only take replies whose match.path_prefix matches explicitly.
 */
export function takeReply(path, generation) {
  const q = state.script;
  for (let i = 0; i < q.length; i++) {
    const m = q[i].match;
    if (m && typeof m.path_prefix === 'string') {
      if (!path.startsWith(m.path_prefix)) continue;
    } else if (!generation) {
      continue;
    }
    return q.splice(i, 1)[0];
  }
  return NO_REPLY;
}

export function isClaudeDeployment(name) {
  if (typeof name !== 'string' || name === '') return false;
  const list = state.config.claude_deployments;
  return list ? list.includes(name) : name.includes('claude');
}

export function isOpenAIDeployment(name) {
  if (typeof name !== 'string' || name === '') return false;
  const list = state.config.openai_deployments;
  return list ? list.includes(name) : name.includes('gpt') || name.startsWith('o');
}

export function bearer(headers) {
  const a = headers.authorization;
  if (typeof a !== 'string') return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(a);
  return m ? m[1].trim() : undefined;
}

/** Azure auth: api-key (or x-api-key for Foundry Claude) takes precedence over a Bearer token. */
export function azureAuthOk(headers, allowXApiKey) {
  const key = headers['api-key'] ?? (allowXApiKey ? headers['x-api-key'] : undefined);
  if (key !== undefined) return state.config.azure_keys.includes(key);
  const tok = bearer(headers);
  if (tok !== undefined && state.issued_tokens.has(tok)) return Date.now() < state.issued_tokens.get(tok);
  return tok !== undefined && state.config.azure_tokens.includes(tok);
}

// ---- text helpers ----

export function contentText(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const b of content) {
    if (!b || typeof b !== 'object') continue;
    if (typeof b.text === 'string') out += b.text;
    else if (b.type === 'tool_result') out += contentText(b.content);
  }
  return out;
}

export function lastUserText(messages) {
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m && m.role === 'user') return contentText(m.content);
  }
  return '';
}

/** Approximate input tokens: ceil(chars / 4) of JSON(messages) + JSON(system), at least 1. */
export function approxInputTokens(body) {
  let chars = 0;
  if (body && body.messages !== undefined) chars += JSON.stringify(body.messages).length;
  if (body && body.system !== undefined) chars += JSON.stringify(body.system).length;
  return Math.max(1, Math.ceil(chars / 4));
}

export function defaultText(model, messages) {
  return `Hello from ${model}: ${Array.from(lastUserText(messages)).slice(0, 40).join('')}`;
}

/** Output tokens approximation for a list of Anthropic content blocks. */
export function approxOutputTokens(blocks) {
  let chars = 0;
  for (const b of blocks) {
    if (b.type === 'text') chars += String(b.text ?? '').length;
    else if (b.type === 'thinking') chars += String(b.thinking ?? '').length;
    else if (b.type === 'tool_use') chars += JSON.stringify(b.input ?? {}).length;
  }
  return Math.max(1, Math.ceil(chars / 4));
}

/** Splits a string (by code points) into up to `n` pieces; at least `min` when long enough. */
export function splitPieces(s, n = 4, min = 1) {
  const cps = Array.from(s);
  if (cps.length === 0) return [''];
  const count = Math.max(Math.min(n, cps.length), Math.min(min, cps.length));
  const size = Math.ceil(cps.length / count);
  const out = [];
  for (let i = 0; i < cps.length; i += size) out.push(cps.slice(i, i + size).join(''));
  return out;
}

/** Normalizes scripted/default content blocks (fills tool_use ids, input). */
export function normalizeBlocks(blocks, n, idPrefix) {
  return blocks.map((b, i) => {
    if (b && b.type === 'tool_use') {
      return { type: 'tool_use', id: b.id ?? `${idPrefix}${n}_${i}`, name: b.name ?? 'tool', input: b.input ?? {} };
    }
    if (b && b.type === 'text') return { type: 'text', text: String(b.text ?? '') };
    if (b && b.type === 'thinking') {
      return { type: 'thinking', thinking: String(b.thinking ?? ''), signature: String(b.signature ?? 'sig_fake') };
    }
    return b;
  });
}

// ---- SSE framing ----

export function sseEvent(type, data) {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function sseData(data) {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

export const SSE_HEADERS = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
});

// ---- request context ----

/**
 * Per-request context: owns the record, tracks client aborts, offers abort-aware sleep and
 * response helpers.
 */
export class Ctx {
  constructor(req, res, url) {
    this.req = req;
    this.res = res;
    this.url = url;
    this.path = url.pathname;
    this.headers = req.headers;
    this.n = ++state.seq;
    this.closed = false;
    this.dropped = false;
    this.sleepers = new Set();
    this.rawBody = '';
    this.rec = null;
    this.pushed = false;
    if (state.config.record) {
      this.rec = {
        seq: this.n, method: req.method, path: url.pathname,
        query: Object.fromEntries(url.searchParams), headers: req.headers,
        body: null, raw_body: '', received_at_ms: Date.now(), aborted: false,
        status: null, dropped: false, scripted: false,
      };
    }
    res.on('close', () => this.onClose());
  }

  pushRecord() {
    if (this.pushed || !this.rec) return;
    this.pushed = true;
    state.records.push(this.rec);
    notify();
  }

  onClose() {
    this.closed = true;
    for (const s of this.sleepers) s();
    this.sleepers.clear();
    const aborted = !this.res.writableFinished && !this.dropped;
    if (this.rec) {
      this.pushRecord();
      if (aborted && !this.rec.aborted) {
        this.rec.aborted = true;
        state.abortedCount++;
        notify();
      }
    }
  }

  /** Resolves true after ms, or false as soon as the client goes away. */
  sleep(ms) {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = () => { clearTimeout(t); this.sleepers.delete(done); resolve(false); };
      const t = setTimeout(() => { this.sleepers.delete(done); resolve(!this.closed); }, ms);
      this.sleepers.add(done);
    });
  }

  head(status, headers) {
    if (this.rec) this.rec.status = status;
    this.res.writeHead(status, headers);
  }

  /** Sends a complete body: Buffer/string verbatim, anything else as JSON. */
  send(status, headers, body) {
    if (this.closed) return;
    let buf;
    const h = { ...headers };
    if (Buffer.isBuffer(body)) buf = body;
    else if (typeof body === 'string') buf = Buffer.from(body);
    else buf = Buffer.from(JSON.stringify(body));
    if (!hasHeader(h, 'content-type')) h['content-type'] = 'application/json';
    h['content-length'] = buf.length;
    this.head(status, h);
    this.res.end(buf);
  }

  /** Plays pre-framed SSE events honouring chunk_delay_ms / stall_after_events / drop_after_events. */
  async stream(status, headers, frames, reply) {
    if (this.closed) return;
    const delay = reply.chunk_delay_ms;
    const stallAt = Number.isInteger(reply.stall_after_events) ? reply.stall_after_events : -1;
    const dropAt = Number.isInteger(reply.drop_after_events) ? reply.drop_after_events : -1;
    // pause_after_events: {events: n, ms}: one silence of `ms` after the first n events.
    const pause = reply.pause_after_events;
    this.head(status, { ...SSE_HEADERS, ...headers });
    if (!(delay > 0) && stallAt < 0 && dropAt < 0 && !pause) {
      this.res.end(frames.join(''));
      return;
    }
    this.res.flushHeaders();
    for (let i = 0; i < frames.length; i++) {
      if (i === stallAt) return; // hang until the client goes away
      if (i === dropAt) return this.drop();
      if (i > 0 && delay > 0 && !(await this.sleep(delay))) return;
      if (pause && i === pause.events && !(await this.sleep(pause.ms))) return;
      if (this.closed) return;
      this.res.write(frames[i]);
    }
    if (stallAt >= frames.length) return;
    if (dropAt >= frames.length) return this.drop();
    if (!this.closed) this.res.end();
  }

  /** Connection reset: destroys the socket (RST) without writing any response byte. */
  reset() {
    this.dropped = true;
    if (this.rec) this.rec.dropped = true;
    const sock = this.res.socket;
    if (sock && !sock.destroyed) sock.resetAndDestroy ? sock.resetAndDestroy() : sock.destroy();
  }

  /** Writes raw bytes that are not HTTP straight to the socket, then closes it. */
  garbage(text) {
    this.dropped = true;
    if (this.rec) this.rec.dropped = true;
    const sock = this.res.socket;
    if (!sock || sock.destroyed) return;
    sock.end(text);
  }

  /** Cuts the connection (no terminating chunk) once what was written so far is flushed. */
  drop() {
    this.dropped = true;
    if (this.rec) this.rec.dropped = true;
    const sock = this.res.socket;
    if (!sock || sock.destroyed) return;
    const t = setTimeout(() => sock.destroy(), 1000);
    sock.once('close', () => clearTimeout(t));
    sock.once('finish', () => sock.destroy());
    sock.end();
  }
}

export function hasHeader(h, name) {
  for (const k of Object.keys(h)) if (k.toLowerCase() === name) return true;
  return false;
}

/**
 * Common reply sequence: stall / delay / verbatim body / generated error / stream / JSON.
 * opts: {base, reply, errorBody(status), stream, json(), frames()}
 */
export async function runReply(ctx, { base, reply, errorBody, stream, json, frames }) {
  if (reply !== NO_REPLY && ctx.rec) ctx.rec.scripted = true;
  if (reply.stall) return; // never answer; close handler records the abort
  if (reply.reset) return ctx.reset();
  if (typeof reply.garbage === 'string') return ctx.garbage(reply.garbage);
  if (reply.delay_ms > 0 && !(await ctx.sleep(reply.delay_ms))) return;
  const headers = reply.headers ? { ...base, ...reply.headers } : base;
  const status = reply.status ?? 200;
  if (reply.body !== undefined) return ctx.send(status, headers, reply.body);
  if (status >= 300) return ctx.send(status, headers, errorBody(status));
  if (stream) return ctx.stream(status, headers, frames(), reply);
  return ctx.send(status, headers, json());
}
