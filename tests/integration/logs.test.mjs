// The request log through the real binary (SQLite, the default store): one record per request with
// exact fields for successes, upstream errors, governance refusals, streams (ttft, content rebuilt) and
// fallbacks; no secret anywhere in the stored rows or API answers; filters, sorting, paging; stats and
// histogram after known traffic; filter data; DELETE; bad parameters; the /ws live feed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startGateway, startFakeUpstream, request, cleanup, waitFor, REPO_ROOT } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';
import { connectWs } from './lib/ws.mjs';
import { agentTurns, sendTurns } from './lib/agent_turns.mjs';
import { haveSqlite3 } from './lib/logs_sql.mjs';
import { execFileSync } from 'node:child_process';

const PRICES = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'data/pricing.json'), 'utf8')).models;
const VK = 'sk-bf-logs-0123456789abcdefghijklmnopqrstu';
const SECRETS = ['azure-fake-key', 'sk-ant-fake', VK, 'Bearer'];

let up;
let gw;
before(async () => {
  up = await startFakeUpstream();
  const cfg = azureAndAnthropic(up.url, {
    top: {
      governance: {
        teams: [{ id: 'team-1', name: 'Platform' }],
        virtual_keys: [{ id: 'vk-logs', name: 'logs-key', value: VK, team_id: 'team-1', provider_configs: [{ provider: 'azure', weight: 1 }] }],
      },
    },
  });
  gw = await startGateway({ config: cfg, env: azureEnv(up.url) });
});
after(cleanup);

const api = (p, method = 'GET', body) => request(`${gw.url}${p}`, {
  method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
});
// Requests carry no virtual key unless a test passes WITH_VK (the key only allows azure).
const WITH_VK = { 'x-bf-vk': VK };
const messages = (body, headers = {}) => request(`${gw.url}/anthropic/v1/messages`, {
  method: 'POST', headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], ...body }),
});
const chat = (body, headers = {}) => request(`${gw.url}/v1/chat/completions`, {
  method: 'POST', headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ model: 'azure/gpt-4o', messages: [{ role: 'user', content: 'hi' }], ...body }),
});
// The record of a request: written off the request path, so it may take a moment to appear.
const recordOf = async (id) => {
  let r;
  await waitFor(async () => (r = await api(`/api/logs/${id}`)).status === 200, { timeoutMs: 5000, message: () => `no record ${id}: ${r?.status} ${r?.text}` });
  return r.json;
};
const noSecrets = (text, where) => {
  for (const s of SECRETS) assert.ok(!text.includes(s), `${where} contains the secret ${s}`);
};

test('a non-streamed success: every field, exact tokens and cost, the content, no secrets', async () => {
  await up.script([{ content: [{ type: 'text', text: 'logged answer' }], usage: { input_tokens: 120, output_tokens: 30, cache_read_input_tokens: 10 } }]);
  const body = { messages: [{ role: 'user', content: 'needle-alpha question' }] };
  const r = await messages(body, { ...WITH_VK, 'x-bf-prom-team': 'blue' });
  assert.equal(r.status, 200, r.text);
  const rec = await recordOf(r.headers['x-request-id']);
  assert.equal(rec.object, 'anthropic.messages');
  assert.equal(rec.provider, 'azure');
  assert.equal(rec.model, 'claude-sonnet-4-6');
  assert.equal(rec.served_model, 'claude-sonnet-4-6');
  assert.equal(rec.deployment, 'my-claude-sonnet-deployment');
  assert.equal(rec.selected_key_name, 'azure-api-key');
  assert.ok(rec.selected_key_id.length > 0);
  assert.equal(rec.virtual_key_id, 'vk-logs');
  assert.equal(rec.virtual_key_name, 'logs-key');
  assert.equal(rec.team_id, 'team-1');
  assert.equal(rec.team_name, 'Platform');
  assert.equal(rec.status, 'success');
  assert.equal(rec.status_code, 200);
  assert.equal(rec.error_details, null);
  assert.equal(rec.stream, false);
  assert.equal(rec.number_of_retries, 0);
  assert.equal(rec.fallback_index, -1);
  assert.equal(rec.stop_reason, 'end_turn');
  assert.equal(rec.prompt_tokens, 120);
  assert.equal(rec.completion_tokens, 30);
  assert.equal(rec.cached_read_tokens, 10);
  assert.equal(rec.cached_write_tokens, 0);
  assert.equal(rec.total_tokens, 160);
  const p = PRICES['claude-sonnet-4-6'];
  const cost = 120 * p.input_cost_per_token + 30 * p.output_cost_per_token + 10 * p.cache_read_input_token_cost;
  assert.ok(Math.abs(rec.cost - cost) < 1e-12, `cost ${rec.cost} != ${cost}`);
  assert.ok(rec.latency > 0);
  assert.match(rec.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok(Math.abs(Date.parse(rec.timestamp) - Date.now()) < 60000);
  assert.match(rec.trace_id, /^[0-9a-f]{32}$/);
  assert.deepEqual(rec.input, { model: 'claude-sonnet-4-6', max_tokens: 64, ...body });
  assert.equal(rec.output.content[0].text, 'logged answer');
  assert.equal(rec.output.usage.input_tokens, 120);
  assert.equal(rec.output_raw, undefined);
  assert.deepEqual(rec.labels, { team: 'blue' });
  assert.equal(rec.attempts.length, 1);
  assert.equal(rec.attempts[0].provider, 'azure');
  assert.equal(rec.attempts[0].deployment, 'my-claude-sonnet-deployment');
  assert.equal(rec.attempts[0].key_name, 'azure-api-key');
  assert.equal(rec.attempts[0].status, 200);
  noSecrets(JSON.stringify(rec), 'GET /api/logs/{id}');
});

test('a coding agent\'s large request is stored whole; an answer over 1 MiB is stored cut at 1 MiB', async () => {
  // Bodies are moved into the record, not copied: the stored bytes must still be exactly what was sent.
  const long = 'context line for the request log. '.repeat(6000); // ~200 KB, as a long agent conversation
  const big = 'a'.repeat(1024 * 1024 + 4096);
  await up.script([{ content: [{ type: 'text', text: 'short answer' }] }, { content: [{ type: 'text', text: big }] }]);
  const body = { messages: [{ role: 'user', content: long }] };
  const r1 = await messages(body);
  assert.equal(r1.status, 200, r1.text);
  const rec1 = await recordOf(r1.headers['x-request-id']);
  assert.deepEqual(rec1.input, { model: 'claude-sonnet-4-6', max_tokens: 64, ...body });
  assert.equal(rec1.output.content[0].text, 'short answer');
  const r2 = await messages({});
  assert.equal(r2.status, 200);
  assert.equal(r2.json.content[0].text.length, big.length, 'the client gets the whole answer');
  const rec2 = await recordOf(r2.headers['x-request-id']);
  assert.equal(typeof rec2.output, 'string', 'a cut answer is no longer JSON: it is shown as text');
  assert.equal(rec2.output.length, 1024 * 1024);
  assert.ok(r2.text.startsWith(rec2.output));
});

test('a coding agent\'s conversation: what its turns repeat is stored once; every turn reads back whole and is found by content', { skip: !haveSqlite3 && 'sqlite3 CLI not installed' }, async () => {
  const turns = agentTurns('sqlite', 3);
  const ids = await sendTurns(turns, messages);
  for (let t = 0; t < turns.length; t++) {
    assert.deepEqual((await recordOf(ids[t])).input, { model: 'claude-sonnet-4-6', max_tokens: 64, ...turns[t] });
  }
  const db = path.join(gw.appDir, 'logs.db');
  const sql = (q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();
  assert.equal(sql("SELECT COUNT(*) FROM log_parts WHERE body LIKE '%ToolMarker-sqlite%'"), '1', 'the tools once for three turns');
  assert.equal(sql("SELECT COUNT(*) FROM log_parts WHERE body LIKE '%Message1Marker-sqlite%'"), '1', 'the first tool call once');
  assert.equal(sql("SELECT COUNT(*) FROM logs WHERE input LIKE '%Marker-sqlite%'"), '0', 'the rows keep only the rest');
  const found = async (text) => (await api(`/api/logs?limit=100&content_search=${text}`)).json.logs.map((l) => l.id).sort();
  assert.deepEqual(await found('ToolMarker-sqlite'), [...ids].sort());
  assert.deepEqual(await found('Message3Marker-sqlite'), ids.slice(1).sort());
  assert.deepEqual(await found('Message5Marker-sqlite'), [ids[2]]);
});

test('the gateway names its threads (ps -L, top -H, perf): workers and the log writer', () => {
  const names = fs.readdirSync(`/proc/${gw.proc.pid}/task`).map((t) => fs.readFileSync(`/proc/${gw.proc.pid}/task/${t}/comm`, 'utf8').trim());
  assert.ok(names.includes('hd-worker-0'), names.join(','));
  assert.ok(names.includes('hd-log-writer'), names.join(','));
});

test('a stream: time to first token, the final message rebuilt from the events (the events kept only for a failed stream)', async () => {
  await up.script([{ content: [{ type: 'text', text: 'streamed needle-beta answer' }, { type: 'tool_use', id: 'toolu_9', name: 'lookup', input: { q: 'x', n: 2 } }], usage: { input_tokens: 40, output_tokens: 12 }, chunk_delay_ms: 5 }]);
  const r = await messages({ stream: true, messages: [{ role: 'user', content: 'stream please' }] });
  assert.equal(r.status, 200);
  let list;
  await waitFor(async () => (list = await api('/api/logs?content_search=needle-beta')).json.logs.length === 1, { message: () => list.text });
  const rec = await recordOf(list.json.logs[0].id);
  assert.equal(rec.stream, true);
  assert.equal(rec.status, 'success');
  assert.ok(rec.time_to_first_token > 0 && rec.time_to_first_token <= rec.latency, `${rec.time_to_first_token} / ${rec.latency}`);
  assert.equal(rec.prompt_tokens, 40);
  assert.equal(rec.completion_tokens, 12);
  assert.equal(rec.stop_reason, 'tool_use');
  assert.equal(rec.output.type, 'message');
  assert.equal(rec.output.role, 'assistant');
  assert.equal(rec.output.stop_reason, 'tool_use');
  assert.equal(rec.output.content.length, 2);
  assert.deepEqual(rec.output.content[0], { type: 'text', text: 'streamed needle-beta answer' });
  assert.equal(rec.output.content[1].type, 'tool_use');
  assert.equal(rec.output.content[1].name, 'lookup');
  assert.deepEqual(rec.output.content[1].input, { q: 'x', n: 2 });
  assert.equal(rec.output.usage.output_tokens, 12);
  assert.equal(rec.output_raw, undefined, 'a rebuilt successful stream is not stored twice');

  // A stream cut by the upstream after content was sent: an error record that keeps the raw events.
  await up.script([{ drop_after_events: 3 }]);
  const cut = await messages({ stream: true, messages: [{ role: 'user', content: 'cut needle-severed' }] });
  assert.equal(cut.status, 200);
  await waitFor(async () => (list = await api('/api/logs?content_search=needle-severed')).json.logs.length === 1, { message: () => list.text });
  const failed = await recordOf(list.json.logs[0].id);
  assert.equal(failed.status, 'error');
  assert.match(failed.output_raw, /event: message_start/);
  assert.match(failed.output_raw, /event: error/);
});

test('an OpenAI stream is rebuilt into one chat.completion', async () => {
  await up.script([{ content: [{ type: 'text', text: 'openai needle-gamma reply' }], usage: { input_tokens: 9, output_tokens: 4 } }]);
  const r = await chat({ stream: true, stream_options: { include_usage: true } });
  assert.equal(r.status, 200);
  let list;
  await waitFor(async () => (list = await api('/api/logs?content_search=needle-gamma')).json.logs.length === 1, { message: () => list.text });
  const rec = await recordOf(list.json.logs[0].id);
  assert.equal(rec.object, 'openai.chat.completions');
  assert.equal(rec.provider, 'azure');
  assert.equal(rec.model, 'azure/gpt-4o');
  assert.equal(rec.stream, true);
  assert.equal(rec.output.object, 'chat.completion');
  assert.equal(rec.output.choices[0].message.role, 'assistant');
  assert.equal(rec.output.choices[0].message.content, 'openai needle-gamma reply');
  assert.equal(rec.output.choices[0].finish_reason, 'stop');
  assert.equal(rec.prompt_tokens, 9);
  assert.equal(rec.completion_tokens, 4);
  const p = PRICES['gpt-4o'];
  assert.ok(Math.abs(rec.cost - (9 * p.input_cost_per_token + 4 * p.output_cost_per_token)) < 1e-12, String(rec.cost));
});

test('upstream errors and gateway refusals are records with status, code and error', async () => {
  await up.script([{ status: 529, error: { type: 'overloaded_error', message: 'needle-delta overloaded' } }]);
  let r = await messages({ messages: [{ role: 'user', content: 'needle-delta' }] }, WITH_VK);
  assert.equal(r.status, 529);
  let list;
  await waitFor(async () => (list = await api('/api/logs?content_search=needle-delta')).json.logs.length === 1, { message: () => list.text });
  let rec = await recordOf(list.json.logs[0].id);
  assert.equal(rec.status, 'error');
  assert.equal(rec.status_code, 529);
  assert.equal(rec.provider, 'azure');
  assert.equal(typeof rec.error_details, 'string');
  assert.equal(rec.cost, null);
  assert.equal(rec.attempts.at(-1).status, 529);

  // A 400 from the upstream.
  await up.script([{ status: 400, error: { type: 'invalid_request_error', message: 'needle-epsilon bad' } }]);
  r = await messages({ messages: [{ role: 'user', content: 'needle-epsilon' }] }, WITH_VK);
  assert.equal(r.status, 400);
  await waitFor(async () => (list = await api('/api/logs?content_search=needle-epsilon')).json.logs.length === 1, { message: () => list.text });
  assert.equal(list.json.logs[0].status_code, 400);
  assert.equal(list.json.logs[0].status, 'error');

  // Governance: an unknown virtual key is refused before any upstream call (401).
  const before = (await up.requests()).length;
  r = await messages({ messages: [{ role: 'user', content: 'needle-zeta' }] }, { 'x-bf-vk': 'sk-bf-unknown-0123456789abcdefghijklmnop' });
  assert.equal(r.status, 401);
  await waitFor(async () => (list = await api('/api/logs?content_search=needle-zeta')).json.logs.length === 1, { message: () => list.text });
  rec = await recordOf(list.json.logs[0].id);
  assert.equal(rec.status, 'error');
  assert.equal(rec.status_code, 401);
  assert.match(rec.error_details, /virtual key/);
  assert.equal(rec.provider, '');
  assert.equal(rec.model, 'claude-sonnet-4-6', 'the model comes from the body when routing never ran');
  assert.equal(rec.attempts.length, 0);
  assert.equal((await up.requests()).length, before);
  noSecrets(JSON.stringify(rec), 'refusal record');
});

test('a fallback: the attempts, the fallback index and the provider that answered', async () => {
  await up.script([{ match: { path_prefix: '/anthropic/' }, status: 500, error: { type: 'api_error', message: 'boom' } }]);
  const r = await messages({ model: 'azure/claude-sonnet-4-6', fallbacks: ['anthropic/claude-sonnet-4-6'], messages: [{ role: 'user', content: 'needle-eta' }] });
  assert.equal(r.status, 200, r.text);
  let list;
  await waitFor(async () => (list = await api('/api/logs?content_search=needle-eta')).json.logs.length === 1, { message: () => list.text });
  const rec = await recordOf(list.json.logs[0].id);
  assert.equal(rec.status, 'success');
  assert.equal(rec.fallback_index, 0);
  assert.equal(rec.provider, 'anthropic');
  assert.equal(rec.selected_key_name, 'anthropic-key');
  assert.equal(rec.model, 'azure/claude-sonnet-4-6');
  assert.equal(rec.attempts.length, 2);
  assert.deepEqual(rec.attempts.map((a) => [a.provider, a.status, a.fallback_index]), [['azure', 500, -1], ['anthropic', 200, 0]]);
  assert.equal(typeof rec.attempts[0].error, 'string');
  assert.match(rec.attempts[0].started_at, /Z$/);
});

test('filters, sorting, paging, stats, histogram and filter data over known traffic', async () => {
  assert.equal((await api('/api/logs', 'DELETE')).status, 200);
  assert.equal((await api('/api/logs')).json.pagination.total_count, 0);
  const usages = [[100, 10], [200, 20], [300, 30], [400, 40]];
  for (const [i, o] of usages) {
    await up.script([{ usage: { input_tokens: i, output_tokens: o } }]);
    assert.equal((await messages({ messages: [{ role: 'user', content: `known-${i}` }] }, WITH_VK)).status, 200);
  }
  await up.script([{ usage: { input_tokens: 50, output_tokens: 5 } }]);
  assert.equal((await messages({ model: 'anthropic/claude-haiku-4-5' })).status, 200);
  await up.script([{ status: 500, error: { type: 'api_error', message: 'x' } }]);
  assert.equal((await messages({}, WITH_VK)).status, 500);
  await waitFor(async () => (await api('/api/logs')).json.pagination.total_count === 6);

  let r = await api('/api/logs?providers=azure&status=success&sort_by=tokens&order=asc');
  assert.deepEqual(r.json.logs.map((l) => l.prompt_tokens), [100, 200, 300, 400]);
  assert.equal(r.json.pagination.total_count, 4);
  assert.deepEqual(r.json.pagination, { limit: 50, offset: 0, sort_by: 'tokens', order: 'asc', total_count: 4 });
  r = await api('/api/logs?providers=azure&status=success&sort_by=tokens&order=desc&limit=2&offset=1');
  assert.deepEqual(r.json.logs.map((l) => l.prompt_tokens), [300, 200]);
  assert.equal(r.json.pagination.total_count, 4);
  r = await api('/api/logs?min_tokens=220&max_tokens=330');
  assert.deepEqual(r.json.logs.map((l) => l.total_tokens).sort(), [220, 330]);
  r = await api('/api/logs?models=claude-haiku-4-5');
  assert.equal(r.json.logs.length, 0, 'models match the requested name');
  r = await api('/api/logs?models=anthropic/claude-haiku-4-5');
  assert.equal(r.json.logs.length, 1);
  assert.equal(r.json.logs[0].provider, 'anthropic');
  r = await api('/api/logs?status=error');
  assert.equal(r.json.logs.length, 1);
  assert.equal(r.json.logs[0].status_code, 500);
  r = await api('/api/logs?virtual_key_ids=vk-logs');
  assert.equal(r.json.pagination.total_count, 5);
  r = await api('/api/logs?virtual_key_ids=other');
  assert.equal(r.json.pagination.total_count, 0);
  r = await api('/api/logs?sort_by=cost&order=desc');
  assert.equal(r.json.logs.at(-1).cost, null, 'unpriced last');
  assert.ok(r.json.logs[0].cost >= r.json.logs[1].cost);
  r = await api('/api/logs?min_latency=0&max_latency=600000&start_time=' + encodeURIComponent(new Date(Date.now() - 3600e3).toISOString()) + `&end_time=${Math.ceil(Date.now() / 1000) + 60}`);
  assert.equal(r.json.pagination.total_count, 6);
  r = await api(`/api/logs?end_time=${Math.floor(Date.now() / 1000) - 3600}`);
  assert.equal(r.json.pagination.total_count, 0);
  r = await api('/api/logs?content_search=known-3');
  assert.equal(r.json.logs.length, 1);
  assert.equal(r.json.logs[0].prompt_tokens, 300);
  r = await api('/api/logs?sort_by=latency&order=asc');
  const lat = r.json.logs.map((l) => l.latency);
  assert.deepEqual(lat, [...lat].sort((a, b) => a - b));

  const p = PRICES['claude-sonnet-4-6'];
  const h = PRICES['claude-haiku-4-5'];
  const sonnetCost = usages.reduce((s, [i, o]) => s + i * p.input_cost_per_token + o * p.output_cost_per_token, 0);
  const stats = (await api('/api/logs/stats')).json;
  assert.equal(stats.total_requests, 6);
  assert.equal(stats.success_count, 5);
  assert.equal(stats.error_count, 1);
  assert.ok(Math.abs(stats.success_rate - 83.333) < 0.01, String(stats.success_rate));
  assert.equal(stats.total_prompt_tokens, 1050);
  assert.equal(stats.total_completion_tokens, 105);
  assert.equal(stats.total_tokens, 1155);
  assert.ok(Math.abs(stats.total_cost - (sonnetCost + 50 * h.input_cost_per_token + 5 * h.output_cost_per_token)) < 1e-9, String(stats.total_cost));
  const all = (await api('/api/logs?sort_by=latency&order=asc')).json.logs.map((l) => l.latency);
  assert.ok(Math.abs(stats.p50_latency - all[2]) < 0.002, `${stats.p50_latency} vs ${all}`);
  assert.ok(Math.abs(stats.p99_latency - all[5]) < 0.002);
  assert.ok(Math.abs(stats.average_latency - all.reduce((a, b) => a + b, 0) / 6) < 0.01);
  const azureStats = (await api('/api/logs/stats?providers=azure&status=success')).json;
  assert.equal(azureStats.total_requests, 4);
  assert.equal(azureStats.total_prompt_tokens, 1000);

  const hist = (await api('/api/logs/histogram?bucket_seconds=3600&group_by=provider')).json;
  assert.equal(hist.bucket_seconds, 3600);
  const sum = (k) => hist.buckets.reduce((s, b) => s + b[k], 0);
  assert.equal(sum('requests'), 6);
  assert.equal(sum('errors'), 1);
  assert.equal(sum('prompt_tokens'), 1050);
  assert.equal(sum('completion_tokens'), 105);
  const groups = {};
  for (const b of hist.buckets) for (const [g, v] of Object.entries(b.groups)) groups[g] = (groups[g] ?? 0) + v.requests;
  assert.deepEqual(groups, { azure: 5, anthropic: 1 });
  for (const b of hist.buckets) assert.match(b.timestamp, /:00:00\.000Z$/);
  const byModel = (await api('/api/logs/histogram?group_by=model')).json;
  const models = new Set(byModel.buckets.flatMap((b) => Object.keys(b.groups)));
  assert.deepEqual([...models].sort(), ['anthropic/claude-haiku-4-5', 'claude-sonnet-4-6']);

  const fd = (await api('/api/logs/filterdata')).json;
  assert.deepEqual(fd.providers, ['anthropic', 'azure']);
  assert.deepEqual(fd.models, ['anthropic/claude-haiku-4-5', 'claude-sonnet-4-6']);
  assert.deepEqual(fd.virtual_keys, [{ id: 'vk-logs', name: 'logs-key' }]);
  assert.deepEqual(fd.objects, ['anthropic.messages']);
  assert.deepEqual((await api('/api/logs/dropped')).json, { dropped_requests: 0 });
});

test('bad parameters name the parameter; unknown ids are 404', async () => {
  for (const [q, name] of [['limit=0', 'limit'], ['limit=1001', 'limit'], ['offset=-1', 'offset'], ['sort_by=name', 'sort_by'],
    ['order=up', 'order'], ['status=ok', 'status'], ['start_time=yesterday', 'start_time'], ['end_time=2026-13-01T00:00:00Z', 'end_time'],
    ['min_latency=abc', 'min_latency'], ['max_cost=-1', 'max_cost'], ['min_tokens=1.5', 'min_tokens'], ['min_tokens=10&max_tokens=5', 'max_tokens']]) {
    const r = await api(`/api/logs?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.json.error.type, 'invalid_request_error');
    assert.match(r.json.error.message, new RegExp(name), q);
  }
  let r = await api('/api/logs/histogram?bucket_seconds=0');
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /bucket_seconds/);
  r = await api('/api/logs/histogram?bucket_seconds=1&start_time=2020-01-01T00:00:00Z&end_time=2026-01-01T00:00:00Z');
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /bucket_seconds/);
  r = await api('/api/logs/no-such-id');
  assert.equal(r.status, 404);
  r = await api('/api/logs', 'DELETE', { ids: 'x' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /ids/);
  r = await api('/api/mcp-logs?sort_by=tokens');
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /sort_by/);
});

test('DELETE by ids and DELETE all', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await messages({})).status, 200);
  let list;
  await waitFor(async () => (list = await api('/api/logs')).json.pagination.total_count >= 3);
  const total = list.json.pagination.total_count;
  const ids = list.json.logs.slice(0, 2).map((l) => l.id);
  let r = await api('/api/logs', 'DELETE', { ids: [...ids, 'not-there'] });
  assert.deepEqual(r.json, { deleted: 2 });
  assert.equal((await api(`/api/logs/${ids[0]}`)).status, 404);
  assert.equal((await api('/api/logs')).json.pagination.total_count, total - 2);
  r = await api('/api/logs', 'DELETE');
  assert.deepEqual(r.json, { deleted: total - 2 });
  assert.equal((await api('/api/logs')).json.pagination.total_count, 0);
  assert.deepEqual((await api('/api/mcp-logs')).json, { logs: [], pagination: { limit: 50, offset: 0, sort_by: 'timestamp', order: 'desc', total_count: 0 } });
  assert.equal((await api('/api/mcp-logs/stats')).json.total_executions, 0);
  assert.deepEqual((await api('/api/mcp-logs', 'DELETE')).json, { deleted: 0 });
});

test('the live feed: /ws gets a create event for a new request; a plain GET is refused', async () => {
  const ws = await connectWs(`ws://127.0.0.1:${gw.port}/ws`);
  try {
    await up.script([{ usage: { input_tokens: 7, output_tokens: 3 } }]);
    assert.equal((await messages({ messages: [{ role: 'user', content: 'live' }] }, WITH_VK)).status, 200);
    const m = await ws.next((x) => x.type === 'log');
    assert.equal(m.operation, 'create');
    assert.equal(m.payload.provider, 'azure');
    assert.equal(m.payload.prompt_tokens, 7);
    assert.equal(m.payload.completion_tokens, 3);
    assert.equal(m.payload.virtual_key_name, 'logs-key');
    assert.equal(m.payload.input, undefined, 'the feed carries entries, not content');
    assert.match(m.payload.id, /.+/);
    // The same id is (soon) in the store.
    await recordOf(m.payload.id);
  } finally {
    await ws.close();
  }
  const r = await api('/ws');
  assert.equal(r.status, 426);
});

test('no secret in any stored byte or API answer', async () => {
  await up.script([{ content: [{ type: 'text', text: 'x' }] }]);
  assert.equal((await messages({ stream: true }, { authorization: `Bearer ${VK}` })).status, 200);
  assert.equal((await chat({}, { 'x-api-key': VK })).status, 200);
  await waitFor(async () => (await api('/api/logs')).json.pagination.total_count >= 2);
  const answers = [await api('/api/logs?limit=1000'), await api('/api/logs/filterdata'), await api('/api/logs/stats')];
  for (const l of answers[0].json.logs) answers.push(await api(`/api/logs/${l.id}`));
  for (const a of answers) noSecrets(a.text, 'API answer');
  for (const f of fs.readdirSync(gw.appDir).filter((n) => n.startsWith('logs.db'))) {
    noSecrets(fs.readFileSync(path.join(gw.appDir, f)).toString('latin1'), f);
  }
});
