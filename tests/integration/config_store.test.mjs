// Configuration changed while the gateway runs: the seed article's curl commands, persistence in the
// SQLite config store across restarts, reconciliation with config.json, secrets at rest, validation,
// read-only mode, and concurrent writes under inference load.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startGateway, startFakeUpstream, runGateway, request, cleanup, tmpDir, waitFor } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';
import { claudeCodeBin, claudeEnv, runClaude } from './lib/clients.mjs';

const run = promisify(execFile);

let up;
before(async () => {
  up = await startFakeUpstream();
});
after(cleanup);
beforeEach(async () => up.reset());

const seedEnv = () => ({ AZURE_API_KEY: 'seed-azure-key', AZURE_ENDPOINT: up.url });
const api = (gw, p, method = 'GET', body, headers = {}) =>
  request(`${gw.url}${p}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
const message = (gw, model) => request(`${gw.url}/anthropic/v1/messages`, {
  method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
  body: JSON.stringify({ model, max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] }),
});

// Step 1 of the seed article, verbatim except for the port.
const SEED_CURL = `
# Register the Azure provider
curl -X POST http://localhost:8080/api/providers \\
  -H "Content-Type: application/json" \\
  -d '{"provider": "azure"}'

# Add a key with deployment aliases
curl -X POST http://localhost:8080/api/providers/azure/keys \\
  -H "Content-Type: application/json" \\
  -d '{
    "name": "azure-api-key",
    "value": "env.AZURE_API_KEY",
    "models": ["*"],
    "weight": 1.0,
    "aliases": {
      "claude-sonnet-4-6": "my-claude-sonnet-deployment",
      "claude-haiku-4-5": "my-claude-haiku-deployment",
      "gpt-4o": "my-gpt4o-deployment"
    },
    "azure_key_config": {
      "endpoint": "env.AZURE_ENDPOINT",
      "api_version": "2024-10-21"
    }
  }'
`;

test("the seed article's curl commands configure Azure live; Claude Code works at once and after a restart", { timeout: 180_000 }, async () => {
  const appDir = tmpDir('heimdall-app-');
  await up.config({ azure_keys: ['seed-azure-key'] });
  let gw = await startGateway({ appDir, env: seedEnv() });
  // Nothing configured yet.
  let r = await message(gw, 'azure/claude-sonnet-4-6');
  assert.equal(r.status, 404, r.text);

  const script = SEED_CURL.replaceAll('http://localhost:8080', gw.url).replace(/curl /g, 'curl -sS -w "\\nHTTP %{http_code}\\n" ');
  const out = await run('bash', ['-c', script]);
  assert.match(out.stdout, /HTTP 201[\s\S]*HTTP 201/, out.stdout);
  assert.doesNotMatch(out.stdout, /seed-azure-key/, 'the key is never echoed');

  // The new key serves Claude Code immediately (no restart).
  const bin = claudeCodeBin();
  assert.ok(bin, 'Claude Code is installed in tests/clients');
  await up.script([{ content: [{ type: 'text', text: 'Configured through the API.' }] }]);
  const home = tmpDir('heimdall-claude-home-');
  const res = await runClaude(bin, ['-p', 'Say hello', '--output-format', 'json'], { cwd: home, env: claudeEnv(gw.url, home, 'azure/claude-sonnet-4-6'), timeoutMs: 120_000 });
  assert.equal(res.code, 0, `stdout: ${res.stdout}\nstderr: ${res.stderr}`);
  assert.match(JSON.parse(res.stdout).result, /Configured through the API/);
  const seen = (await up.requests()).filter((q) => q.path === '/anthropic/v1/messages' && q.body.model === 'my-claude-sonnet-deployment');
  assert.ok(seen.length >= 1);
  assert.equal(seen[0].headers['x-api-key'], 'seed-azure-key');

  // It survives a restart (SQLite config.db in the app dir).
  await gw.stop();
  assert.ok(fs.existsSync(path.join(appDir, 'config.db')));
  gw = await startGateway({ appDir, env: seedEnv() });
  r = await api(gw, '/api/providers/azure/keys');
  assert.equal(r.status, 200);
  assert.equal(r.json.keys.length, 1);
  assert.deepEqual(r.json.keys[0].value, { value: '***', env_var: 'env.AZURE_API_KEY', from_env: true });
  assert.equal(r.json.keys[0].azure_key_config.endpoint.value, up.url);
  await up.script([{ content: [{ type: 'text', text: 'still here' }] }]);
  r = await message(gw, 'azure/claude-haiku-4-5');
  assert.equal(r.status, 200, r.text);
  assert.equal((await up.requests()).at(-1).body.model, 'my-claude-haiku-deployment');
});

test('provider and key CRUD: validation names the field, 404s, 409s, redaction, live effect', async () => {
  const gw = await startGateway({ env: seedEnv() });
  let r = await api(gw, '/api/providers', 'POST', { provider: 'azure' });
  assert.equal(r.status, 201, r.text);
  r = await api(gw, '/api/providers', 'POST', { provider: 'azure' });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.type, 'conflict_error');
  r = await api(gw, '/api/providers', 'POST', {});
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /^provider: required/);
  r = await api(gw, '/api/providers', 'POST', { provider: 'bedrock' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /^provider: unsupported provider/);
  r = await api(gw, '/api/providers', 'POST', '{not json');
  assert.equal(r.status, 400);

  const key = { name: 'k1', value: 'literal-secret-123', models: ['*'], weight: 1, aliases: { 'claude-sonnet-4-6': 'claude-dep-a' }, azure_key_config: { endpoint: up.url, api_version: '2024-10-21' } };
  r = await api(gw, '/api/providers/azure/keys', 'POST', { ...key, weight: 'heavy' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /^weight: expected a number/);
  r = await api(gw, '/api/providers/azure/keys', 'POST', { ...key, azure_key_config: { api_version: '2024-10-21' } });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /^azure_key_config\.endpoint: /);
  r = await api(gw, '/api/providers/azure/keys', 'POST', { ...key, value: 'env.NOT_SET_ANYWHERE' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /^value: environment variable NOT_SET_ANYWHERE is not set/);
  r = await api(gw, '/api/providers/nope/keys', 'POST', key);
  assert.equal(r.status, 404);

  r = await api(gw, '/api/providers/azure/keys', 'POST', key);
  assert.equal(r.status, 201, r.text);
  assert.doesNotMatch(r.text, /literal-secret-123/);
  assert.deepEqual(r.json.value, { value: '***', env_var: '', from_env: false });
  const id = r.json.id;
  r = await api(gw, '/api/providers/azure/keys', 'POST', key);
  assert.equal(r.status, 409);

  await up.config({ azure_keys: ['literal-secret-123'] });
  await up.script([{ content: [{ type: 'text', text: 'a' }] }, { content: [{ type: 'text', text: 'b' }] }]);
  r = await message(gw, 'azure/claude-sonnet-4-6');
  assert.equal(r.status, 200, r.text);
  assert.equal((await up.requests()).at(-1).body.model, 'claude-dep-a');
  assert.equal((await up.requests()).at(-1).headers['x-api-key'], 'literal-secret-123');

  // PUT with the redacted placeholder keeps the secret; the alias change applies at once.
  r = await api(gw, `/api/providers/azure/keys/${id}`);
  const got = r.json;
  r = await api(gw, `/api/providers/azure/keys/${id}`, 'PUT', { ...got, aliases: { 'claude-sonnet-4-6': 'claude-dep-b' } });
  assert.equal(r.status, 200, r.text);
  r = await message(gw, 'azure/claude-sonnet-4-6');
  assert.equal(r.status, 200, r.text);
  assert.equal((await up.requests()).at(-1).body.model, 'claude-dep-b');
  assert.equal((await up.requests()).at(-1).headers['x-api-key'], 'literal-secret-123');

  r = await api(gw, '/api/keys');
  assert.equal(r.json.keys.length, 1);
  assert.equal(r.json.keys[0].key_id, id);
  assert.doesNotMatch(r.text, /literal-secret-123/);
  r = await api(gw, '/api/models?provider=azure');
  assert.deepEqual(r.json.models.map((m) => [m.name, m.deployment]), [['azure/claude-sonnet-4-6', 'claude-dep-b']]);
  r = await api(gw, '/api/version');
  assert.equal(r.json.name, 'heimdall');
  assert.match(r.json.version, /^\d+\.\d+\.\d+/);

  r = await api(gw, '/api/config', 'PUT', { client_config: { max_request_body_size_mb: 'lots' } });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /^client_config\.max_request_body_size_mb: /);
  r = await api(gw, '/api/config', 'PUT', { client_config: { max_request_body_size_mb: 1 } });
  assert.equal(r.status, 200, r.text);
  r = await request(`${gw.url}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(2 * 1024 * 1024) });
  assert.equal(r.status, 413, 'the new body limit applies at once');
  r = await api(gw, '/api/config');
  assert.equal(r.json.client_config.max_request_body_size_mb, 1);
  assert.equal(r.json.config_store.type, 'sqlite');

  r = await api(gw, `/api/providers/azure/keys/${id}`, 'DELETE');
  assert.equal(r.status, 200);
  r = await api(gw, `/api/providers/azure/keys/${id}`);
  assert.equal(r.status, 404);
  r = await api(gw, '/api/providers/azure', 'DELETE');
  assert.equal(r.status, 200);
  r = await api(gw, '/api/providers/azure');
  assert.equal(r.status, 404);
  assert.doesNotMatch(gw.stderr(), /literal-secret-123|seed-azure-key/);
});

test('reconciliation: API edits survive restarts until the file entry changes; removals are logged', async () => {
  const appDir = tmpDir('heimdall-app-');
  const cfg = azureAndAnthropic(up.url);
  let gw = await startGateway({ appDir, config: cfg, env: azureEnv(up.url) });
  // Edit the file-defined Azure key through the API, and add an API-only key to anthropic.
  let r = await api(gw, '/api/providers/azure/keys/azure-azure-api-key');
  assert.equal(r.status, 200, r.text);
  r = await api(gw, '/api/providers/azure/keys/azure-azure-api-key', 'PUT', { ...r.json, aliases: { 'claude-sonnet-4-6': 'edited-deployment' } });
  assert.equal(r.status, 200, r.text);
  r = await api(gw, '/api/providers/anthropic/keys', 'POST', { name: 'api-only', value: 'sk-ant-api-only', models: ['*'] });
  assert.equal(r.status, 201, r.text);
  await gw.stop();

  // Same file: the API edit is kept.
  gw = await startGateway({ appDir, config: cfg, env: azureEnv(up.url) });
  await gw.waitForLog(/keeping the version edited through the API/);
  r = await api(gw, '/api/providers/azure/keys/azure-azure-api-key');
  assert.deepEqual(r.json.aliases, { 'claude-sonnet-4-6': 'edited-deployment' });
  await gw.stop();

  // The file entry changed: the file wins, with a warning; the API-only key is untouched.
  cfg.providers.azure.keys[0].aliases['claude-sonnet-4-6'] = 'file-deployment-v2';
  gw = await startGateway({ appDir, config: cfg, env: azureEnv(up.url) });
  await gw.waitForLog(/providers\.azure\.keys\[azure-api-key\] changed in the file; it replaces the version edited through the API/);
  r = await api(gw, '/api/providers/azure/keys/azure-azure-api-key');
  assert.equal(r.json.aliases['claude-sonnet-4-6'], 'file-deployment-v2');
  r = await api(gw, '/api/providers/anthropic/keys');
  assert.deepEqual(r.json.keys.map((k) => k.name).sort(), ['anthropic-key', 'api-only']);
  await gw.stop();

  // A provider removed from the file is deleted from the store, with its keys, and logged.
  delete cfg.providers.anthropic;
  gw = await startGateway({ appDir, config: cfg, env: azureEnv(up.url) });
  await gw.waitForLog(/providers\.anthropic was removed from the file; deleted from the config store/);
  r = await api(gw, '/api/providers/anthropic');
  assert.equal(r.status, 404);
  r = await api(gw, '/api/keys');
  assert.deepEqual(r.json.keys.map((k) => k.provider), ['azure']);

  // SIGHUP re-reads the file and reconciles it too.
  cfg.providers.azure.keys[0].aliases['claude-sonnet-4-6'] = 'file-deployment-v3';
  fs.writeFileSync(gw.configPath, JSON.stringify(cfg));
  process.kill(gw.proc.pid, 'SIGHUP');
  await gw.waitForLog(/SIGHUP: configuration reloaded/);
  r = await api(gw, '/api/providers/azure/keys/azure-azure-api-key');
  assert.equal(r.json.aliases['claude-sonnet-4-6'], 'file-deployment-v3');
});

test('secrets at rest: encrypted with the key, a wrong or missing key is a clear start-up error', async () => {
  const appDir = tmpDir('heimdall-app-');
  const env = { ...seedEnv(), HEIMDALL_ENCRYPTION_KEY: 'correct horse battery staple' };
  let gw = await startGateway({ appDir, env });
  assert.doesNotMatch(gw.stderr(), /stored in plain text/);
  let r = await api(gw, '/api/providers', 'POST', { provider: 'anthropic', network_config: { base_url: up.url } });
  assert.equal(r.status, 201, r.text);
  r = await api(gw, '/api/providers/anthropic/keys', 'POST', { name: 'main', value: 'sk-ant-very-secret-value', models: ['*'] });
  assert.equal(r.status, 201, r.text);
  await gw.stop();
  const db = fs.readFileSync(path.join(appDir, 'config.db')).toString('latin1') +
    (fs.existsSync(path.join(appDir, 'config.db-wal')) ? fs.readFileSync(path.join(appDir, 'config.db-wal')).toString('latin1') : '');
  assert.doesNotMatch(db, /sk-ant-very-secret-value/);
  assert.match(db, /enc:v1:/);

  let res = await runGateway(['serve', '--port', '0', '--app-dir', appDir], { env: { ...env, HEIMDALL_ENCRYPTION_KEY: 'wrong key' } });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /heimdall: error: encryption_key does not match the key the config store was encrypted with/);
  res = await runGateway(['serve', '--port', '0', '--app-dir', appDir], { env: { ...env, HEIMDALL_ENCRYPTION_KEY: '' } });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /holds encrypted secrets: set encryption_key/);

  gw = await startGateway({ appDir, env });
  await up.config({ anthropic_keys: ['sk-ant-very-secret-value'] });
  await up.script([{ content: [{ type: 'text', text: 'decrypted fine' }] }]);
  r = await message(gw, 'anthropic/claude-sonnet-4-6');
  assert.equal(r.status, 200, r.text);
  assert.equal((await up.requests()).at(-1).headers['x-api-key'], 'sk-ant-very-secret-value');
  assert.doesNotMatch(gw.stderr(), /sk-ant-very-secret-value|correct horse/);
});

test('without an encryption key a warning says secrets are stored in plain text', async () => {
  const gw = await startGateway({ env: seedEnv() });
  await gw.waitForLog(/no encryption_key: secrets in the config store are stored in plain text/);
});

test('config_store disabled: the API reads the file and refuses writes with 409', async () => {
  const cfg = azureAndAnthropic(up.url, { top: { config_store: { enabled: false } } });
  const gw = await startGateway({ config: cfg, env: azureEnv(up.url) });
  let r = await api(gw, '/api/providers');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.providers.map((p) => p.name).sort(), ['anthropic', 'azure']);
  r = await api(gw, '/api/providers', 'POST', { provider: 'openai' });
  assert.equal(r.status, 409);
  assert.match(r.json.error.message, /read-only: the config store is disabled/);
  assert.ok(!fs.existsSync(path.join(gw.appDir, 'config.db')));
});

test('concurrent API writes under inference load: no lost update, no failed request', { timeout: 60_000 }, async () => {
  const gw = await startGateway({ config: azureAndAnthropic(up.url), env: azureEnv(up.url) });
  let stop = false;
  let ok = 0;
  const failures = [];
  const load = async () => {
    while (!stop) {
      const r = await message(gw, 'azure/claude-sonnet-4-6');
      if (r.status === 200) ok++;
      else failures.push(`${r.status} ${r.text}`);
    }
  };
  const loads = [load(), load()];
  const writes = [];
  for (let i = 0; i < 40; i++) {
    writes.push(api(gw, '/api/providers/anthropic/keys', 'POST', { name: `k${i}`, value: `sk-ant-${i}`, models: ['*'], weight: 1 }));
  }
  const results = await Promise.all(writes);
  stop = true;
  await Promise.all(loads);
  assert.deepEqual(results.map((r) => r.status), Array(40).fill(201), results.map((r) => r.text).join('\n'));
  const r = await api(gw, '/api/providers/anthropic/keys');
  assert.equal(r.json.keys.length, 41);
  assert.deepEqual(failures, []);
  assert.ok(ok > 0);
});

test('random API bodies never crash the gateway and never produce a 5xx', { timeout: 60_000 }, async () => {
  const gw = await startGateway({ env: seedEnv() });
  await api(gw, '/api/providers', 'POST', { provider: 'azure' });
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const atoms = [null, true, 0, -1, 1.5, 1e308, '', '***', 'env.', 'env.NOPE', 'x'.repeat(300), [], {}, ['*'], [''], { value: 'v' }, { from_env: true }, { from_env: true, env_var: 'HOME' }];
  const fields = ['name', 'value', 'models', 'weight', 'enabled', 'aliases', 'azure_key_config', 'id', 'blacklisted_models', 'bogus'];
  const gen = (depth) => {
    const o = {};
    for (const f of fields) {
      if (rnd() < 0.5) continue;
      o[f] = depth > 0 && rnd() < 0.3 ? gen(depth - 1) : atoms[Math.floor(rnd() * atoms.length)];
    }
    return o;
  };
  for (let i = 0; i < 300; i++) {
    const body = i % 10 === 0 ? JSON.stringify(gen(2)).slice(0, Math.floor(rnd() * 40)) : gen(2);
    const target = ['/api/providers/azure/keys', '/api/providers', '/api/config'][i % 3];
    const r = await api(gw, target, i % 3 === 2 ? 'PUT' : 'POST', body);
    assert.ok(r.status < 500, `${target} ${JSON.stringify(body)} -> ${r.status} ${r.text}`);
  }
  const h = await request(`${gw.url}/health`);
  assert.equal(h.status, 200);
});
