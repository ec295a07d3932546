// Request-log settings through the real binary: content logging off stores no content; logging off
// stores nothing; retention removes old records (rows planted in logs.db with the sqlite3 CLI, the
// cleaner's period shortened through HEIMDALL_LOGS_RETENTION_INTERVAL_MS); a full queue drops and
// counts (the database held locked by another process, so the writer is stuck); admin auth on the Logs
// API and the single-use WebSocket ticket.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import path from 'node:path';
import { startGateway, startFakeUpstream, request, cleanup, waitFor, onCleanup } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';
import { connectWs } from './lib/ws.mjs';
import { insertLogRowSql, haveSqlite3 } from './lib/logs_sql.mjs';

after(cleanup);


async function gateway(client = {}, env = {}, top = {}, appDir = undefined) {
  const up = await startFakeUpstream();
  const gw = await startGateway({ config: azureAndAnthropic(up.url, { top: { client, ...top } }), env: { ...azureEnv(up.url), ...env }, appDir });
  const messages = (content = 'hi', headers = {}) => request(`${gw.url}/anthropic/v1/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content }] }),
  });
  const api = (p, opts = {}) => request(`${gw.url}${p}`, opts);
  return { up, gw, messages, api };
}

test('disable_content_logging: the record has every field but no content', async () => {
  const { gw, messages, api } = await gateway({ disable_content_logging: true });
  const r = await messages('secret-ish prompt text', { 'x-bf-prom-env': 'test' });
  assert.equal(r.status, 200);
  const id = r.headers['x-request-id'];
  let rec;
  await waitFor(async () => (rec = await api(`/api/logs/${id}`)).status === 200);
  assert.equal(rec.json.status, 'success');
  assert.ok(rec.json.prompt_tokens > 0);
  assert.equal(rec.json.input, null);
  assert.equal(rec.json.output, null);
  assert.deepEqual(rec.json.labels, { env: 'test' });
  assert.ok(!rec.text.includes('secret-ish'));
  assert.equal((await api('/api/logs?content_search=secret-ish')).json.logs.length, 0);
  await gw.stop();
});

test('enable_logging false: nothing is stored', async () => {
  const { gw, messages, api } = await gateway({ enable_logging: false });
  assert.equal((await messages()).status, 200);
  assert.equal((await messages()).status, 200);
  assert.equal((await api('/api/logs')).json.pagination.total_count, 0);
  // Stopping writes whatever is queued; a gateway on the same store then shows what was kept.
  await gw.stop();
  const again = await gateway({}, {}, {}, gw.appDir);
  const r = await again.api('/api/logs');
  assert.equal(r.status, 200);
  assert.equal(r.json.pagination.total_count, 0);
  // The control: with logging on, a request is kept across the same restart.
  assert.equal((await again.messages()).status, 200);
  await again.gw.stop();
  const third = await gateway({}, {}, {}, gw.appDir);
  assert.equal((await third.api('/api/logs')).json.pagination.total_count, 1);
});

test('retention: records older than log_retention_days are removed, newer ones stay', { skip: !haveSqlite3 && 'sqlite3 CLI not installed' }, async () => {
  const { gw, messages, api } = await gateway({ log_retention_days: 5 }, { HEIMDALL_LOGS_RETENTION_INTERVAL_MS: '200' });
  assert.equal((await messages()).status, 200);
  await waitFor(async () => (await api('/api/logs')).json.pagination.total_count === 1);
  const db = path.join(gw.appDir, 'logs.db');
  const day = 86400e3;
  const byTime = { byTime: true }; // a new logs.db is keyed by time
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, 'BEGIN; ' + insertLogRowSql('old-10d', Date.now() - 10 * day, byTime) + insertLogRowSql('old-6d', Date.now() - 6 * day, byTime) + insertLogRowSql('recent-4d', Date.now() - 4 * day, byTime) + ' COMMIT;']);
  await waitFor(async () => (await api('/api/logs/old-10d')).status === 404 && (await api('/api/logs/old-6d')).status === 404,
    { timeoutMs: 5000, message: 'old records were not removed' });
  assert.equal((await api('/api/logs/recent-4d')).status, 200);
  assert.equal((await api('/api/logs')).json.pagination.total_count, 2);
  await gw.waitForLog(/removed 2 record\(s\) older than 5 day/);
});

test('a full queue drops and counts, the requests never wait; the rest is written once the database is free', { skip: !haveSqlite3 && 'sqlite3 CLI not installed' }, async () => {
  const { gw, messages, api } = await gateway({}, { HEIMDALL_LOGS_QUEUE_SIZE: '2' });
  const db = path.join(gw.appDir, 'logs.db');
  // Another process takes the write lock and holds it.
  const locker = spawn('sqlite3', [db], { stdio: ['pipe', 'pipe', 'pipe'] });
  onCleanup(async () => locker.kill('SIGKILL'));
  let out = '';
  locker.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
  locker.stdin.write("BEGIN EXCLUSIVE;\nSELECT 'locked';\n");
  await waitFor(() => out.includes('locked'), { message: 'sqlite3 did not take the lock' });
  const started = Date.now();
  for (let i = 0; i < 10; i++) assert.equal((await messages(`q${i}`)).status, 200);
  assert.ok(Date.now() - started < 4000, 'requests were not held up by the log');
  let dropped;
  await waitFor(async () => (dropped = (await api('/api/logs/dropped')).json.dropped_requests) >= 1);
  locker.stdin.write('COMMIT;\n.quit\n');
  let total;
  await waitFor(async () => {
    total = (await api('/api/logs')).json.pagination.total_count;
    dropped = (await api('/api/logs/dropped')).json.dropped_requests;
    return total + dropped === 10;
  }, { timeoutMs: 15000, message: () => `stored ${total}, dropped ${dropped}` });
  // At most one batch in the writer's hands (it lingers to group records, so a slow run hands it two) plus
  // a full queue (2): everything else was dropped at once.
  assert.ok(total >= 1 && total <= 4, `stored ${total}`);
  assert.equal(dropped, 10 - total);
});

test('admin auth: the Logs API needs credentials; /ws takes a single-use ticket', async () => {
  const password = 'logs-admin-password';
  const { messages, api, gw } = await gateway({}, { TEST_ADMIN_PASSWORD: password }, {
    auth_config: { is_enabled: true, admin_username: 'admin', admin_password: 'env.TEST_ADMIN_PASSWORD', disable_auth_on_inference: true },
  });
  let r = await api('/api/logs');
  assert.equal(r.status, 401);
  r = await api('/api/session/login', { method: 'POST', body: { username: 'admin', password } });
  assert.equal(r.status, 200, r.text);
  const auth = { authorization: `Bearer ${r.json.token}` };
  assert.equal((await api('/api/logs', { headers: auth })).status, 200);
  assert.equal((await api('/api/logs/stats', { headers: auth })).status, 200);
  assert.equal((await api('/api/session/ws-ticket', { method: 'POST' })).status, 401);
  await assert.rejects(connectWs(`ws://127.0.0.1:${gw.port}/ws`), (e) => e.status === 401);
  await assert.rejects(connectWs(`ws://127.0.0.1:${gw.port}/ws?ticket=wst_made_up`), (e) => e.status === 401);
  const ticket = (await api('/api/session/ws-ticket', { method: 'POST', headers: auth })).json.ticket;
  assert.match(ticket, /^wst_[0-9a-f]{64}$/);
  const ws = await connectWs(`ws://127.0.0.1:${gw.port}/ws?ticket=${ticket}`);
  try {
    assert.equal((await messages('via ticket')).status, 200);
    const m = await ws.next((x) => x.type === 'log');
    assert.equal(m.payload.status, 'success');
  } finally {
    await ws.close();
  }
  await assert.rejects(connectWs(`ws://127.0.0.1:${gw.port}/ws?ticket=${ticket}`), (e) => e.status === 401, 'a ticket is single use');
  // Non-browser clients may use their credentials directly.
  const ws2 = await connectWs(`ws://127.0.0.1:${gw.port}/ws`, { headers: auth });
  await ws2.close();
});

test('the live feed pings a quiet client', async () => {
  const { gw } = await gateway({}, { HEIMDALL_WS_PING_MS: '100' });
  const ws = await connectWs(`ws://127.0.0.1:${gw.port}/ws`);
  const m = await ws.next((x) => x.type === 'ping', 3000);
  assert.deepEqual(m, { type: 'ping' });
  await ws.close();
  // A gateway with a connected feed client still stops promptly.
  const ws3 = await connectWs(`ws://127.0.0.1:${gw.port}/ws`);
  const t = Date.now();
  await gw.stop();
  assert.ok(Date.now() - t < 5000);
  await ws3.closedPromise;
});
