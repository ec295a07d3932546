// `heimdall serve`: flags, environment, configuration errors, health, 404s and graceful shutdown.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startGateway, startFakeUpstream, runGateway, tmpDir, request, cleanup, iterSse } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';

after(cleanup);

function oneLineError(r) {
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got: ${r.stderr}`);
  assert.match(lines[0], /^heimdall: error: /);
  return lines[0];
}

test('a bad flag is a one-line error with exit code 2', async () => {
  const r = await runGateway(['serve', '--bogus']);
  assert.equal(r.code, 2);
  assert.match(oneLineError(r), /--bogus/);
  const r2 = await runGateway(['serve', '--log-format', 'xml']);
  assert.equal(r2.code, 2);
  const r3 = await runGateway(['serve', '--port', '70000']);
  assert.equal(r3.code, 2);
});

test('an invalid config names the JSON path; unreadable and missing env are clear', async () => {
  const dir = tmpDir();
  const cfg = path.join(dir, 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ providers: { azure: { keys: [{ name: 'k', value: 'x', weight: 'heavy', azure_key_config: { endpoint: 'https://x' } }] } } }));
  let r = await runGateway(['serve', '--app-dir', dir, '--config', cfg, '--port', '0']);
  assert.equal(r.code, 1);
  assert.match(oneLineError(r), /providers\.azure\.keys\[0\]\.weight: expected a number, got a string/);

  fs.writeFileSync(cfg, '{"providers": {');
  r = await runGateway(['serve', '--app-dir', dir, '--config', cfg, '--port', '0']);
  assert.equal(r.code, 1);
  assert.match(oneLineError(r), /not valid JSON/);

  r = await runGateway(['serve', '--app-dir', dir, '--config', path.join(dir, 'missing.json'), '--port', '0']);
  assert.equal(r.code, 1);
  assert.match(oneLineError(r), /cannot read config file .*missing\.json/);

  fs.writeFileSync(cfg, JSON.stringify({ providers: { anthropic: { keys: [{ name: 'k', value: 'env.HEIMDALL_TEST_UNSET_VAR' }] } } }));
  r = await runGateway(['serve', '--app-dir', dir, '--config', cfg, '--port', '0']);
  assert.equal(r.code, 1);
  assert.match(oneLineError(r), /providers\.anthropic\.keys\[0\]\.value: environment variable HEIMDALL_TEST_UNSET_VAR is not set/);
});

test('a port in use is a one-line error', async () => {
  const srv = net.createServer();
  await new Promise((res) => srv.listen(0, '127.0.0.1', res));
  const port = srv.address().port;
  try {
    const r = await runGateway(['serve', '--app-dir', tmpDir(), '--port', String(port)]);
    assert.equal(r.code, 1);
    assert.match(oneLineError(r), new RegExp(`127\\.0\\.0\\.1:${port}: the port is already in use`));
  } finally {
    srv.close();
  }
});

test('embedded defaults: starts with no config, answers /health, JSON 404s', async () => {
  const gw = await startGateway({});
  let r = await request(`${gw.url}/health`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'ok' });
  r = await request(`${gw.url}/no/such/route`);
  assert.equal(r.status, 404);
  assert.equal(r.json.error.type, 'not_found_error');
  assert.match(r.json.error.message, /route not found: GET \/no\/such\/route/);
  r = await request(`${gw.url}/anthropic/v1/nothing`, { method: 'POST', body: {} });
  assert.equal(r.status, 404);
  assert.equal(r.json.type, 'error', 'Anthropic routes answer in Anthropic error shape');
  r = await request(`${gw.url}/health`, { method: 'DELETE' });
  assert.equal(r.status, 405);
  assert.match(gw.stderr(), /config: built-in defaults/);
  assert.equal(await gw.stop(), 0);
});

test('the app dir config.json is used, and HEIMDALL_PORT/HOST apply', async () => {
  const up = await startFakeUpstream();
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(azureAndAnthropic(up.url)));
  const r = await runGateway(['serve', '--app-dir', dir], {
    env: { ...azureEnv(up.url), HEIMDALL_PORT: 'not-a-port' },
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /HEIMDALL_PORT/);
  const gw = await startGateway({ appDir: dir, env: { ...azureEnv(up.url), HEIMDALL_HOST: '127.0.0.1' } });
  assert.match(gw.stderr(), /providers: 2/);
  const models = await request(`${gw.url}/v1/models`);
  assert.equal(models.status, 200);
  assert.ok(models.json.data.some((m) => m.id === 'azure/claude-sonnet-4-6'));
});

test('SIGTERM drains: an in-flight stream completes, new connections are refused, exit 0', async () => {
  const up = await startFakeUpstream();
  const gw = await startGateway({ config: azureAndAnthropic(up.url), env: azureEnv(up.url) });
  await up.script([{ chunk_delay_ms: 150 }]);
  const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'azure/claude-sonnet-4-6', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'drain me' }] }),
  });
  assert.equal(res.status, 200);
  const events = [];
  let stopped;
  for await (const ev of iterSse(res)) {
    events.push(ev.event);
    if (events.length === 1) stopped = gw.stop('SIGTERM');
  }
  assert.equal(events.at(-1), 'message_stop', `stream finished during drain: ${events.join(',')}`);
  assert.equal(await stopped, 0);
  assert.match(gw.stderr(), /received SIGTERM, draining/);
  await assert.rejects(fetch(`${gw.url}/health`));
});
