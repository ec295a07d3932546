// The config store on a real PostgreSQL (Debian's package, started privately on loopback):
// persistence across restarts, and two replicas sharing one configuration.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startGateway, startFakeUpstream, request, cleanup, waitFor, runGateway, tmpDir } from './lib/harness.mjs';
import { azureEnv } from './lib/configs.mjs';
import { startPostgres } from './lib/postgres.mjs';

let up;
let pg;
before(async () => {
  up = await startFakeUpstream();
  pg = await startPostgres();
});
after(cleanup);

const api = (gw, p, method = 'GET', body) =>
  request(`${gw.url}${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
const claudeKey = (name, deployment) => ({
  name, value: 'env.TEST_AZURE_API_KEY', models: ['*'], weight: 1,
  aliases: { 'claude-sonnet-4-6': deployment }, azure_key_config: { endpoint: 'env.TEST_AZURE_ENDPOINT', api_version: '2024-10-21' },
});
const message = (gw) => request(`${gw.url}/anthropic/v1/messages`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'azure/claude-sonnet-4-6', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }),
});

test('providers and keys persist in PostgreSQL across a restart', async () => {
  const config = { config_store: pg.storeConfig() };
  let gw = await startGateway({ config, env: azureEnv(up.url) });
  await gw.waitForLog(/config store: postgres heimdall@127\.0\.0\.1:\d+\/heimdall/);
  let r = await api(gw, '/api/providers', 'POST', { provider: 'azure' });
  assert.equal(r.status, 201, r.text);
  r = await api(gw, '/api/providers/azure/keys', 'POST', claudeKey('pg-key', 'my-claude-pg'));
  assert.equal(r.status, 201, r.text);
  await gw.stop();
  assert.equal(await pg.query("SELECT count(*) FROM config_entities WHERE kind = 'key'"), '1');
  assert.doesNotMatch(gw.stderr(), /pg-test-password/);

  gw = await startGateway({ config, env: azureEnv(up.url) });
  r = await api(gw, '/api/providers/azure/keys');
  assert.deepEqual(r.json.keys.map((k) => k.name), ['pg-key']);
  r = await message(gw);
  assert.equal(r.status, 200, r.text);
  assert.equal((await up.requests()).at(-1).body.model, 'my-claude-pg');
  await gw.stop();
});

test('two replicas sharing PostgreSQL see each other\'s changes without a restart', async () => {
  await pg.query('CREATE DATABASE replicas', 'postgres');
  const config = { config_store: pg.storeConfig('replicas') };
  const env = { ...azureEnv(up.url), HEIMDALL_CONFIG_POLL_MS: '200' };
  // Both start at once: schema migration is serialised between them.
  const [a, b] = await Promise.all([startGateway({ config, env }), startGateway({ config, env })]);
  let r = await api(a, '/api/providers', 'POST', { provider: 'azure' });
  assert.equal(r.status, 201, r.text);
  r = await api(a, '/api/providers/azure/keys', 'POST', claudeKey('shared', 'my-claude-shared'));
  assert.equal(r.status, 201, r.text);
  await waitFor(async () => (await api(b, '/api/providers/azure/keys')).json?.keys?.length === 1, { timeoutMs: 5000, message: 'replica b did not pick up the new key' });
  await up.reset();
  r = await message(b);
  assert.equal(r.status, 200, r.text);
  assert.equal((await up.requests()).at(-1).body.model, 'my-claude-shared');
  // A change on b reaches a.
  const id = (await api(b, '/api/providers/azure/keys')).json.keys[0].id;
  r = await api(b, `/api/providers/azure/keys/${id}`, 'PUT', claudeKey('shared', 'my-claude-changed'));
  assert.equal(r.status, 200, r.text);
  await waitFor(async () => (await api(a, `/api/providers/azure/keys/${id}`)).json?.aliases?.['claude-sonnet-4-6'] === 'my-claude-changed', { timeoutMs: 5000 });
  await a.waitForLog(/configuration reloaded from the config store \(version \d+\)/);
});

test('an unreachable PostgreSQL is a clear start-up error', async () => {
  const cfg = { config_store: { enabled: true, type: 'postgres', config: { host: '127.0.0.1', port: '1', user: 'u', password: 'secret-pw-123', db_name: 'x' } } };
  const dir = tmpDir('heimdall-pgerr-');
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(cfg));
  const r = await runGateway(['serve', '--port', '0', '--app-dir', dir]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /heimdall: error: config store \(postgres u@127\.0\.0\.1:1\/x\): cannot connect/);
  assert.doesNotMatch(r.stderr, /secret-pw-123/);
});
