// Anthropic Messages API (api.anthropic.com) and Claude on Azure AI Foundry (/anthropic/v1/...).
import { randomUUID } from 'node:crypto';
import {
  state, takeReply, runReply, isClaudeDeployment, azureAuthOk, bearer, approxInputTokens,
  approxOutputTokens, defaultText, normalizeBlocks, splitPieces, sseEvent,
} from './common.mjs';

const ANTHROPIC_ERROR_TYPES = {
  400: ['invalid_request_error', 'Invalid request'],
  401: ['authentication_error', 'invalid x-api-key'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'Not found'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: ['rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'],
  500: ['api_error', 'Internal server error'],
  529: ['overloaded_error', 'Overloaded'],
};

export function anthropicError(type, message) {
  return { type: 'error', error: { type, message } };
}

export function anthropicErrorForStatus(status) {
  const [type, message] = ANTHROPIC_ERROR_TYPES[status] ?? (status >= 500 ? ['api_error', 'Internal server error'] : ['invalid_request_error', `HTTP ${status}`]);
  return anthropicError(type, message);
}

export const AZURE_401 = Buffer.from(JSON.stringify({
  error: {
    code: '401',
    message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
  },
}));
export const AZURE_404 = Buffer.from(JSON.stringify({ error: { code: '404', message: 'Resource not found' } }));
export const AZURE_DEPLOYMENT_NOT_FOUND = Buffer.from(JSON.stringify({
  error: {
    code: 'DeploymentNotFound',
    message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
  },
}));

const ERR_MISSING_KEY = Buffer.from(JSON.stringify(anthropicError('authentication_error', 'x-api-key header is required')));
const ERR_BAD_KEY = Buffer.from(JSON.stringify(anthropicError('authentication_error', 'invalid x-api-key')));
const ERR_NO_VERSION = Buffer.from(JSON.stringify(anthropicError('invalid_request_error', 'anthropic-version: header is required')));
const ERR_BAD_JSON = Buffer.from(JSON.stringify(anthropicError('invalid_request_error', 'There was an error parsing the body of your request. Make sure it is valid JSON.')));

export function azureHeaders() {
  return { 'apim-request-id': randomUUID(), 'x-ms-region': 'swedencentral' };
}

function anthropicHeaders(ctx) {
  return { 'request-id': `req_fake_${ctx.n}`, 'anthropic-ratelimit-requests-remaining': '99' };
}

export function parseJson(raw) {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

function validate(body, count, version) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'body: Input should be a valid dictionary';
  if (typeof body.model !== 'string') return 'model: Field required';
  if (!Array.isArray(body.messages)) return 'messages: Field required';
  if (!count && !Number.isInteger(body.max_tokens)) return 'max_tokens: Field required';
  // API version 2026-10-21 removed the sampling parameters (400 even at default values).
  if (typeof version === 'string' && version >= '2026-10-21') {
    for (const p of ['temperature', 'top_p', 'top_k']) {
      if (body[p] !== undefined) return `${p}: Extra inputs are not permitted in API version ${version}`;
    }
  }
  return null;
}

/**
 * POST /v1/messages[/count_tokens] (flavor 'anthropic') and
 * POST /anthropic/v1/messages[/count_tokens] (flavor 'azure').
 */
export async function handleMessages(ctx, flavor, count) {
  const h = ctx.headers;
  const cfg = state.config;
  const base = flavor === 'azure' ? azureHeaders() : anthropicHeaders(ctx);
  if (flavor === 'azure') {
    // The operation does not exist on Azure unless configured: APIM answers 404 before auth.
    if (count && !cfg.azure_count_tokens) return ctx.send(404, base, AZURE_404);
    if (!azureAuthOk(h, true)) return ctx.send(401, base, AZURE_401);
  } else {
    // x-api-key, or (SDKs for API version 2026-10-21) Authorization: Bearer <api key>.
    const key = h['x-api-key'] ?? bearer(h);
    if (key === undefined) return ctx.send(401, base, ERR_MISSING_KEY);
    if (!cfg.anthropic_keys.includes(key)) return ctx.send(401, base, ERR_BAD_KEY);
    if (!h['anthropic-version']) return ctx.send(400, base, ERR_NO_VERSION);
  }
  const parsed = ctx.json;
  if (!parsed.ok) return ctx.send(400, base, ERR_BAD_JSON);
  const body = parsed.value && typeof parsed.value === 'object' && !Array.isArray(parsed.value) ? parsed.value : {};
  if (flavor === 'azure' && !isClaudeDeployment(body.model)) {
    return ctx.send(404, base, AZURE_DEPLOYMENT_NOT_FOUND);
  }
  if (cfg.strict) {
    const err = validate(parsed.value, count, h['anthropic-version']);
    if (err) return ctx.send(400, base, anthropicError('invalid_request_error', err));
  }
  const reply = takeReply(ctx.path, !count);

  if (count) {
    return runReply(ctx, {
      base, reply, errorBody: anthropicErrorForStatus, stream: false,
      json: () => ({ input_tokens: reply.usage?.input_tokens ?? approxInputTokens(body) }),
    });
  }

  const build = () => buildMessage(ctx, body, reply);
  return runReply(ctx, {
    base, reply, errorBody: anthropicErrorForStatus, stream: body.stream === true,
    json: build,
    frames: () => messageFrames(build(), reply),
  });
}

export function buildMessage(ctx, body, reply) {
  const model = body.model;
  const content = normalizeBlocks(
    Array.isArray(reply.content) ? reply.content : [{ type: 'text', text: defaultText(model, body.messages) }],
    ctx.n, 'toolu_fake_',
  );
  const hasTool = content.some((b) => b && b.type === 'tool_use');
  return {
    id: `msg_fake_${ctx.n}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: reply.stop_reason ?? (hasTool ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    usage: {
      input_tokens: approxInputTokens(body),
      output_tokens: approxOutputTokens(content),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      ...(reply.usage ?? {}),
    },
  };
}

/** Anthropic SSE: message_start, per block start/deltas/stop (ping after the first start), message_delta, message_stop. */
export function messageFrames(msg, reply) {
  const frames = [];
  frames.push(sseEvent('message_start', {
    type: 'message_start',
    message: { ...msg, content: [], stop_reason: null, stop_sequence: null, usage: { ...msg.usage, output_tokens: 1 } },
  }));
  if (reply.error_event) {
    const e = reply.error_event;
    frames.push(sseEvent('error', { type: 'error', error: { type: e.type ?? 'overloaded_error', message: e.message ?? 'Overloaded' } }));
    return frames;
  }
  if (msg.content.length === 0) frames.push(sseEvent('ping', { type: 'ping' }));
  msg.content.forEach((b, index) => {
    const delta = (d) => frames.push(sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: d }));
    let start;
    if (b.type === 'text') start = { type: 'text', text: '' };
    else if (b.type === 'tool_use') start = { type: 'tool_use', id: b.id, name: b.name, input: {} };
    else if (b.type === 'thinking') start = { type: 'thinking', thinking: '', signature: '' };
    else start = b;
    frames.push(sseEvent('content_block_start', { type: 'content_block_start', index, content_block: start }));
    if (index === 0) frames.push(sseEvent('ping', { type: 'ping' }));
    if (b.type === 'text') {
      for (const p of splitPieces(b.text, 4)) delta({ type: 'text_delta', text: p });
    } else if (b.type === 'tool_use') {
      for (const p of splitPieces(JSON.stringify(b.input), 3, 2)) delta({ type: 'input_json_delta', partial_json: p });
    } else if (b.type === 'thinking') {
      for (const p of splitPieces(b.thinking, 3)) delta({ type: 'thinking_delta', thinking: p });
      delta({ type: 'signature_delta', signature: b.signature });
    }
    frames.push(sseEvent('content_block_stop', { type: 'content_block_stop', index }));
  });
  frames.push(sseEvent('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: msg.stop_reason, stop_sequence: null },
    usage: { output_tokens: msg.usage.output_tokens },
  }));
  frames.push(sseEvent('message_stop', { type: 'message_stop' }));
  return frames;
}

const MODELS = [
  ['claude-opus-4-1-20250805', 'Claude Opus 4.1', '2025-08-05T00:00:00Z'],
  ['claude-sonnet-4-5-20250929', 'Claude Sonnet 4.5', '2025-09-29T00:00:00Z'],
  ['claude-haiku-4-5-20251001', 'Claude Haiku 4.5', '2025-10-01T00:00:00Z'],
].map(([id, display_name, created_at]) => ({ type: 'model', id, display_name, created_at }));

/** GET /v1/models with x-api-key (Anthropic list shape). */
export async function handleModels(ctx) {
  const base = anthropicHeaders(ctx);
  const key = ctx.headers['x-api-key'] ?? bearer(ctx.headers);
  if (key === undefined) return ctx.send(401, base, ERR_MISSING_KEY);
  if (!state.config.anthropic_keys.includes(key)) return ctx.send(401, base, ERR_BAD_KEY);
  if (!ctx.headers['anthropic-version']) return ctx.send(400, base, ERR_NO_VERSION);
  const reply = takeReply(ctx.path, false);
  return runReply(ctx, {
    base, reply, errorBody: anthropicErrorForStatus, stream: false,
    json: () => ({ data: MODELS, has_more: false, first_id: MODELS[0].id, last_id: MODELS[MODELS.length - 1].id }),
  });
}
