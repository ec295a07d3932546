// Redis counters under concurrency: each worker thread talks to Redis over one pipelined connection of
// its own (no connection per request, no pool), every concurrent request is counted exactly once, its
// spend lands in Redis, and a Redis restart is survived without a failed request once Redis is back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, startFakeUpstream, request, cleanup, waitFor } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';
import { startRedis } from './lib/redis.mjs';

const VK = 'bf-pipelined-0123456789abcdefghijklmnopqrst';
let up;
let redis;
let gw;
before(async () => {
  up = await startFakeUpstream();
  redis = await startRedis({ password: 'pipe-secret' });
  const cfg = azureAndAnthropic(up.url, {
    top: {
      client: { enforce_auth_on_inference: true },
      governance: {
        store: { type: 'redis', url: redis.url.replace(/\/0$/, '/2') },
        virtual_keys: [{
          id: 'pipe', name: 'pipe', value: VK, allowed_providers: ['azure'],
          budget: { max_limit: 100, reset_duration: '1d' },
          rate_limit: { request_max_limit: 100000, request_reset_duration: '1h' },
        }],
      },
    },
  });
  gw = await startGateway({ config: cfg, env: azureEnv(up.url), args: ['--workers', '2'] });
});
after(cleanup);

const send = () => request(`${gw.url}/anthropic/v1/messages`, {
  method: 'POST', headers: { 'content-type': 'application/json', 'x-bf-vk': VK },
  body: JSON.stringify({ model: 'azure/claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'count me' }] }),
});
const usage = async () => (await request(`${gw.url}/api/governance/virtual-keys/pipe`)).json.usage;
// The gateway's connections as Redis lists them (redis-cli's own is the one running CLIENT LIST).
const gatewayClients = async () => (await redis.cli('CLIENT', 'LIST')).split('\n').filter((l) => l && !/cmd=client/.test(l));

test('concurrent requests share one connection per worker and are each counted once', { timeout: 60_000 }, async () => {
  const results = await Promise.all(Array.from({ length: 60 }, () => send()));
  assert.deepEqual(results.map((r) => r.status), Array(60).fill(200), results.find((r) => r.status !== 200)?.text);
  const clients = await gatewayClients();
  assert.ok(clients.length >= 1 && clients.length <= 2, clients.join('\n'));
  for (const c of clients) assert.match(c, / db=2 /); // the database of the URL, after AUTH
  const first = results[0].json.usage;
  const perRequest = first.input_tokens * 3e-6 + first.output_tokens * 15e-6; // claude-sonnet-4-6 catalogue
  let u;
  await waitFor(async () => {
    u = await usage();
    const budget = u.find((x) => x.kind === 'budget');
    return Math.abs(budget.current_usage_usd - 60 * perRequest) < 1e-9;
  }, { timeoutMs: 5000, message: () => JSON.stringify(u) });
  assert.equal(u.find((x) => x.kind === 'requests').current_usage, 60, JSON.stringify(u));
  // Nothing is left reserved: every admission was settled.
  const keys = (await redis.cli('-n', '2', '--scan', '--pattern', 'hd:cnt:*')).split('\n').filter(Boolean);
  assert.ok(keys.length >= 2, keys.join(','));
  for (const k of keys) {
    const reserved = await redis.cli('-n', '2', 'HGET', k, 'r');
    assert.ok(reserved === '' || reserved === '0', `${k} r=${reserved}`);
  }
});

test('after a Redis restart the next requests are served on new connections', { timeout: 60_000 }, async () => {
  assert.equal((await send()).status, 200);
  await redis.restart({ kill: true });
  // The restarted server is up: the first request after it must already succeed (the connection the
  // old server closed is replaced, not reported as an outage).
  const after = await Promise.all(Array.from({ length: 10 }, () => send()));
  assert.deepEqual(after.map((r) => r.status), Array(10).fill(200), after.find((r) => r.status !== 200)?.text);
  const clients = await gatewayClients();
  assert.ok(clients.length >= 1 && clients.length <= 2, clients.join('\n'));
});
