// OpenAI chat completions (api.openai.com) and Azure OpenAI (deployments + v1 surfaces).
import { randomBytes } from 'node:crypto';
import {
  state, takeReply, runReply, isOpenAIDeployment, azureAuthOk, bearer, approxInputTokens,
  approxOutputTokens, defaultText, normalizeBlocks, splitPieces, sseData,
} from './common.mjs';
import { AZURE_401, AZURE_404, AZURE_DEPLOYMENT_NOT_FOUND, azureHeaders } from './anthropic.mjs';

export function openaiError(message, type = 'invalid_request_error', param = null, code = null) {
  return { error: { message, type, param, code } };
}

const OPENAI_STATUS_ERRORS = {
  400: ['Invalid request', 'invalid_request_error', null],
  401: ['Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'],
  403: ['You are not allowed to sample from this model', 'invalid_request_error', null],
  404: ['The model does not exist or you do not have access to it.', 'invalid_request_error', 'model_not_found'],
  429: ['Rate limit reached for requests. Please try again in 1s.', 'requests', 'rate_limit_exceeded'],
  500: ['The server had an error while processing your request. Sorry about that!', 'server_error', null],
  503: ['The engine is currently overloaded, please try again later', 'server_error', null],
};

function openaiErrorForStatus(status) {
  const [message, type, code] = OPENAI_STATUS_ERRORS[status] ?? (status >= 500 ? OPENAI_STATUS_ERRORS[500] : [`HTTP ${status}`, 'invalid_request_error', null]);
  return openaiError(message, type, null, code);
}

const AZURE_STATUS_MESSAGES = {
  400: 'Invalid request',
  429: 'Requests to the ChatCompletions_Create Operation have exceeded the rate limit of your current pricing tier. Please retry after 1 second.',
  500: 'The server had an error while processing your request. Sorry about that!',
};

function azureErrorForStatus(status) {
  if (status === 401) return AZURE_401;
  if (status === 404) return AZURE_404;
  return { error: { code: String(status), message: AZURE_STATUS_MESSAGES[status] ?? `HTTP ${status}` } };
}

const ERR_NO_KEY = Buffer.from(JSON.stringify(openaiError(
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
)));
const ERR_BAD_JSON = Buffer.from(JSON.stringify(openaiError(
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
)));

function maskKey(key) {
  if (key.length <= 8) return '*'.repeat(key.length);
  return `${key.slice(0, 3)}${'*'.repeat(Math.min(key.length - 7, 20))}${key.slice(-4)}`;
}

function openaiHeaders() {
  return {
    'x-request-id': `req_${randomBytes(16).toString('hex')}`,
    'openai-version': '2020-10-01',
    'openai-processing-ms': '1',
    'x-ratelimit-remaining-requests': '99',
  };
}

function validate(body, needModel) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return openaiError('Invalid request body: expected a JSON object.');
  if (needModel && typeof body.model !== 'string') return openaiError('you must provide a model parameter');
  if (!Array.isArray(body.messages)) return openaiError("Missing required parameter: 'messages'.", 'invalid_request_error', 'messages', 'missing_required_parameter');
  return null;
}

/**
 * flavor: 'openai' (POST /v1/chat/completions), 'azure' (POST /openai/deployments/{dep}/chat/completions),
 * 'azure-v1' (POST /openai/v1/chat/completions).
 */
export async function handleChat(ctx, flavor, deployment) {
  const h = ctx.headers;
  const cfg = state.config;
  const azure = flavor !== 'openai';
  const base = azure ? azureHeaders() : openaiHeaders();
  if (azure) base['x-request-id'] = base['apim-request-id'];
  if (flavor === 'azure' && !ctx.url.searchParams.get('api-version')) return ctx.send(404, base, AZURE_404);
  if (azure) {
    if (!azureAuthOk(h, false)) return ctx.send(401, base, AZURE_401);
  } else {
    const key = bearer(h);
    if (key === undefined) return ctx.send(401, base, ERR_NO_KEY);
    if (!cfg.openai_keys.includes(key)) {
      return ctx.send(401, base, openaiError(
        `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        'invalid_request_error', null, 'invalid_api_key'));
    }
  }
  if (flavor === 'azure' && !isOpenAIDeployment(deployment)) return ctx.send(404, base, AZURE_DEPLOYMENT_NOT_FOUND);
  const parsed = ctx.json;
  if (!parsed.ok) return ctx.send(400, base, ERR_BAD_JSON);
  const body = parsed.value && typeof parsed.value === 'object' ? parsed.value : {};
  if (flavor === 'azure-v1' && !isOpenAIDeployment(body.model)) return ctx.send(404, base, AZURE_DEPLOYMENT_NOT_FOUND);
  if (cfg.strict) {
    const err = validate(parsed.value, flavor !== 'azure');
    if (err) return ctx.send(400, base, err);
  }
  const reply = takeReply(ctx.path, true);
  const model = (flavor === 'azure' ? deployment : body.model) ?? 'unknown';
  const filters = azure && cfg.azure_filter_results;
  const stream = body.stream === true;
  return runReply(ctx, {
    base, reply, errorBody: azure ? azureErrorForStatus : openaiErrorForStatus, stream,
    json: () => completionJson(ctx, body, reply, model, filters),
    frames: () => completionFrames(ctx, body, reply, model, filters),
  });
}

const FINISH = { end_turn: 'stop', stop_sequence: 'stop', tool_use: 'tool_calls', max_tokens: 'length', refusal: 'content_filter' };

const NO_FILTER = { filtered: false, severity: 'safe' };
const CONTENT_FILTER_RESULTS = { hate: NO_FILTER, self_harm: NO_FILTER, sexual: NO_FILTER, violence: NO_FILTER };
const PROMPT_FILTER_RESULTS = [{ prompt_index: 0, content_filter_results: CONTENT_FILTER_RESULTS }];

/** Converts the reply (Anthropic content blocks) to OpenAI pieces. */
function generate(ctx, body, reply, model) {
  const blocks = normalizeBlocks(
    Array.isArray(reply.content) ? reply.content : [{ type: 'text', text: defaultText(model, body.messages) }],
    ctx.n, 'call_fake_',
  );
  const text = blocks.filter((b) => b && b.type === 'text').map((b) => b.text).join('');
  const toolCalls = blocks.filter((b) => b && b.type === 'tool_use').map((b) => ({
    id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input) },
  }));
  const stop = reply.stop_reason ?? (toolCalls.length ? 'tool_use' : 'end_turn');
  const u = reply.usage ?? {};
  const prompt = u.prompt_tokens ?? u.input_tokens ?? approxInputTokens(body);
  const completion = u.completion_tokens ?? u.output_tokens ?? approxOutputTokens(blocks.filter((b) => b && b.type !== 'thinking'));
  const cached = u.cached_tokens ?? u.cache_read_input_tokens ?? 0;
  const usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: u.total_tokens ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  return {
    id: `chatcmpl-fake-${ctx.n}`,
    created: Math.floor(Date.now() / 1000),
    model,
    text,
    toolCalls,
    finish: FINISH[stop] ?? stop,
    usage,
  };
}

function completionJson(ctx, body, reply, model, filters) {
  const g = generate(ctx, body, reply, model);
  const message = { role: 'assistant', content: g.text === '' && g.toolCalls.length ? null : g.text, refusal: null };
  if (g.toolCalls.length) message.tool_calls = g.toolCalls;
  const choice = { index: 0, message, logprobs: null, finish_reason: g.finish };
  if (filters) choice.content_filter_results = CONTENT_FILTER_RESULTS;
  const out = {
    id: g.id, object: 'chat.completion', created: g.created, model: g.model,
    choices: [choice], usage: g.usage, system_fingerprint: 'fp_fake',
  };
  if (filters) out.prompt_filter_results = PROMPT_FILTER_RESULTS;
  return out;
}

function completionFrames(ctx, body, reply, model, filters) {
  const g = generate(ctx, body, reply, model);
  const includeUsage = body.stream_options?.include_usage === true;
  const frames = [];
  if (filters) {
    frames.push(sseData({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: PROMPT_FILTER_RESULTS }));
  }
  const chunk = (delta, finish = null) => {
    const c = {
      id: g.id, object: 'chat.completion.chunk', created: g.created, model: g.model, system_fingerprint: 'fp_fake',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    };
    if (filters && finish === null && delta.content) c.choices[0].content_filter_results = CONTENT_FILTER_RESULTS;
    if (includeUsage) c.usage = null;
    frames.push(sseData(c));
  };
  chunk({ role: 'assistant', content: '', refusal: null });
  if (reply.error_event) {
    const e = reply.error_event;
    frames.push(sseData({ error: { message: e.message ?? 'The server had an error while processing your request.', type: e.type ?? 'server_error', param: null, code: null } }));
    return frames;
  }
  if (g.text !== '') for (const p of splitPieces(g.text, 4)) chunk({ content: p });
  g.toolCalls.forEach((tc, index) => {
    chunk({ tool_calls: [{ index, id: tc.id, type: 'function', function: { name: tc.function.name, arguments: '' } }] });
    for (const p of splitPieces(tc.function.arguments, 3, 2)) chunk({ tool_calls: [{ index, function: { arguments: p } }] });
  });
  chunk({}, g.finish);
  if (includeUsage) {
    frames.push(sseData({
      id: g.id, object: 'chat.completion.chunk', created: g.created, model: g.model, system_fingerprint: 'fp_fake',
      choices: [], usage: g.usage,
    }));
  }
  frames.push('data: [DONE]\n\n');
  return frames;
}

const OPENAI_MODELS = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'o3-mini'].map((id) => ({ id, object: 'model', created: 1715367049, owned_by: 'system' }));

/** GET /v1/models with Bearer auth (OpenAI list shape). */
export async function handleOpenAIModels(ctx) {
  const base = openaiHeaders();
  const key = bearer(ctx.headers);
  if (key === undefined) return ctx.send(401, base, ERR_NO_KEY);
  if (!state.config.openai_keys.includes(key)) {
    return ctx.send(401, base, openaiError(`Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', null, 'invalid_api_key'));
  }
  const reply = takeReply(ctx.path, false);
  return runReply(ctx, {
    base, reply, errorBody: openaiErrorForStatus, stream: false,
    json: () => ({ object: 'list', data: OPENAI_MODELS }),
  });
}
