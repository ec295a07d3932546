// When the Redis counters are unreachable: fail closed by default (503 in the API's shape, a clear log
// line), or open when configured (allowed, uncounted, logged); never a crash; recovery when it returns.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, startFakeUpstream, request, cleanup, waitFor } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';
import { startRedis } from './lib/redis.mjs';

const VK = 'bf-outage-0123456789abcdefghijklmnopqrstu';
let up;
let redis;
before(async () => {
  up = await startFakeUpstream();
  redis = await startRedis();
});
after(cleanup);

const config = (failMode) => azureAndAnthropic(up.url, {
  top: {
    governance: {
      store: { type: 'redis', url: redis.url, fail_mode: failMode },
      virtual_keys: [{ id: 'o', name: 'outage', value: VK, allowed_providers: ['azure'], rate_limit: { request_max_limit: 1000, request_reset_duration: '1h' } }],
    },
  },
});
const send = (gw) => request(`${gw.url}/anthropic/v1/messages`, {
  method: 'POST', headers: { 'content-type': 'application/json', 'x-bf-vk': VK },
  body: JSON.stringify({ model: 'azure/claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
});

test('fail closed (default): 503 while Redis is down, served again once it is back', { timeout: 30_000 }, async () => {
  const gw = await startGateway({ config: config('closed'), env: azureEnv(up.url) });
  assert.equal((await send(gw)).status, 200);
  await redis.down();
  const r = await send(gw);
  assert.equal(r.status, 503);
  assert.equal(r.json.type, 'error');
  assert.match(r.json.error.message, /governance counters are unavailable/);
  await redis.up();
  await waitFor(async () => (await send(gw)).status === 200, { timeoutMs: 10000, intervalMs: 200 });
  const h = await request(`${gw.url}/health`);
  assert.equal(h.status, 200);
});

test('fail open: requests are served uncounted and the log says so', { timeout: 30_000 }, async () => {
  const gw = await startGateway({ config: config('open'), env: azureEnv(up.url) });
  await redis.down();
  const r = await send(gw);
  assert.equal(r.status, 200, r.text);
  await gw.waitForLog(/governance counters unavailable \(fail_mode open: request allowed uncounted\)/);
  await redis.up();
});
