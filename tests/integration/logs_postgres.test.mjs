// The request log on a real PostgreSQL (logs_store type "postgres", Debian's server started privately on
// loopback): records written and read back with exact fields and content, filters, sorting, paging,
// stats, histogram, filter data, DELETE and retention; two replicas share one log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, startFakeUpstream, request, cleanup, waitFor } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';
import { startPostgres, havePostgres } from './lib/postgres.mjs';
import { insertLogRowSql } from './lib/logs_sql.mjs';
import { agentTurns, sendTurns } from './lib/agent_turns.mjs';

let up;
let pg;
let gw;
before(async () => {
  if (!havePostgres()) return;
  up = await startFakeUpstream();
  pg = await startPostgres({ db: 'heimdall_logs' });
  const cfg = azureAndAnthropic(up.url, { top: { logs_store: pg.storeConfig(), client: { log_retention_days: 3 } } });
  gw = await startGateway({ config: cfg, env: { ...azureEnv(up.url), HEIMDALL_LOGS_RETENTION_INTERVAL_MS: '200' } });
});
after(cleanup);

const skip = !havePostgres() && 'PostgreSQL is not installed';
const api = (p, method = 'GET', body) => request(`${gw.url}${p}`, {
  method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
});
const messages = (body = {}, base = gw.url) => request(`${base}/anthropic/v1/messages`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'azure/claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], ...body }),
});

test('records land in PostgreSQL with their fields and content', { skip }, async () => {
  await gw.waitForLog(/request log: postgres heimdall@127\.0\.0\.1:\d+\/heimdall_logs/);
  await up.script([{ content: [{ type: 'text', text: 'pg answer' }], usage: { input_tokens: 11, output_tokens: 22 } }]);
  const r = await messages({ messages: [{ role: 'user', content: 'pg-needle 100% _x_' }] });
  assert.equal(r.status, 200);
  const id = r.headers['x-request-id'];
  let rec;
  await waitFor(async () => (rec = await api(`/api/logs/${id}`)).status === 200);
  assert.equal(rec.json.provider, 'azure');
  assert.equal(rec.json.deployment, 'my-claude-sonnet-deployment');
  assert.equal(rec.json.prompt_tokens, 11);
  assert.equal(rec.json.completion_tokens, 22);
  assert.equal(rec.json.total_tokens, 33);
  assert.ok(rec.json.cost > 0);
  assert.equal(rec.json.input.messages[0].content, 'pg-needle 100% _x_');
  assert.equal(rec.json.output.content[0].text, 'pg answer');
  assert.equal(await pg.query(`SELECT provider || ':' || total_tokens FROM logs WHERE id = '${id}'`), 'azure:33');
  // Content search is case-insensitive and takes % and _ literally.
  assert.equal((await api('/api/logs?content_search=PG-NEEDLE%20100%25%20_x_')).json.logs.length, 1);
  assert.equal((await api('/api/logs?content_search=pg-needle%20100%25%20_y_')).json.logs.length, 0);
  assert.doesNotMatch(await pg.query('SELECT string_agg(coalesce(input,\'\') || coalesce(output,\'\'), \'\') FROM logs'), /azure-fake-key/);
});

test('filters, sorting, paging, stats, histogram, filter data and DELETE on PostgreSQL', { skip }, async () => {
  assert.equal((await api('/api/logs', 'DELETE')).status, 200);
  for (const [i, o] of [[10, 1], [20, 2], [30, 3]]) {
    await up.script([{ usage: { input_tokens: i, output_tokens: o } }]);
    assert.equal((await messages()).status, 200);
  }
  await up.script([{ status: 500, error: { type: 'api_error', message: 'x' } }]);
  assert.equal((await messages()).status, 500);
  await waitFor(async () => (await api('/api/logs')).json.pagination.total_count === 4);
  let r = await api('/api/logs?status=success&sort_by=tokens&order=asc&limit=2&offset=1');
  assert.deepEqual(r.json.logs.map((l) => l.prompt_tokens), [20, 30]);
  assert.equal(r.json.pagination.total_count, 3);
  r = await api('/api/logs?sort_by=cost&order=asc');
  assert.equal(r.json.logs.at(-1).cost, null, 'unpriced last');
  r = await api('/api/logs?min_tokens=20&max_tokens=30');
  assert.equal(r.json.logs.length, 1);
  const stats = (await api('/api/logs/stats')).json;
  assert.equal(stats.total_requests, 4);
  assert.equal(stats.success_count, 3);
  assert.equal(stats.total_prompt_tokens, 60);
  assert.equal(stats.total_completion_tokens, 6);
  assert.ok(stats.p50_latency <= stats.p95_latency && stats.p95_latency <= stats.p99_latency);
  const hist = (await api('/api/logs/histogram?bucket_seconds=60')).json;
  assert.equal(hist.buckets.reduce((s, b) => s + b.requests, 0), 4);
  assert.equal(hist.buckets.reduce((s, b) => s + b.errors, 0), 1);
  const fd = (await api('/api/logs/filterdata')).json;
  assert.deepEqual(fd.providers, ['azure']);
  assert.deepEqual(fd.models, ['azure/claude-sonnet-4-6']);
  const ids = r.json.logs.map((l) => l.id);
  r = await api('/api/logs', 'DELETE', { ids });
  assert.deepEqual(r.json, { deleted: 1 });
  r = await api('/api/logs', 'DELETE');
  assert.deepEqual(r.json, { deleted: 3 });
  assert.equal(await pg.query('SELECT count(*) FROM logs'), '0');
});

test('a coding agent\'s conversation on PostgreSQL: repeated parts stored once, turns read back whole and found', { skip }, async () => {
  const turns = agentTurns('pg', 3);
  const ids = await sendTurns(turns, messages);
  for (let t = 0; t < turns.length; t++) {
    let rec;
    await waitFor(async () => (rec = await api(`/api/logs/${ids[t]}`)).status === 200);
    assert.deepEqual(rec.json.input, { model: 'azure/claude-sonnet-4-6', max_tokens: 64, ...turns[t] });
  }
  assert.equal(await pg.query("SELECT count(*) FROM log_parts WHERE body LIKE '%ToolMarker-pg%'"), '1');
  assert.equal(await pg.query("SELECT count(*) FROM log_parts WHERE body LIKE '%Message1Marker-pg%'"), '1');
  assert.equal(await pg.query("SELECT count(*) FROM logs WHERE input LIKE '%Marker-pg%'"), '0');
  const found = async (text) => (await api(`/api/logs?limit=100&content_search=${text}`)).json.logs.map((l) => l.id).sort();
  assert.deepEqual(await found('toolmarker-PG'), [...ids].sort(), 'case-insensitive, in the shared parts');
  assert.deepEqual(await found('Message3Marker-pg'), ids.slice(1).sort());
});

test('retention on PostgreSQL; a second replica shares the log', { skip }, async () => {
  const day = 86400e3;
  await pg.query(insertLogRowSql('pg-old', Date.now() - 5 * day) + insertLogRowSql('pg-recent', Date.now() - day));
  await waitFor(async () => (await api('/api/logs/pg-old')).status === 404, { message: 'old record not removed' });
  assert.equal((await api('/api/logs/pg-recent')).status, 200);
  const cfg = azureAndAnthropic(up.url, { top: { logs_store: pg.storeConfig() } });
  const gw2 = await startGateway({ config: cfg, env: azureEnv(up.url) });
  const r = await messages({}, gw2.url);
  assert.equal(r.status, 200);
  const id = r.headers['x-request-id'];
  await waitFor(async () => (await api(`/api/logs/${id}`)).status === 200, { message: 'the other replica\'s record is not visible' });
  await gw2.stop();
});
