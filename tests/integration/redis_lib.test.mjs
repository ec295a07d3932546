// Self-test of lib/redis.mjs (the private Redis the governance tests run against): persistence across
// a SIGKILL restart with append-only files, an outage and recovery, password auth, cleanup.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup } from './lib/harness.mjs';
import { startRedis, haveRedis } from './lib/redis.mjs';

after(cleanup);

test('startRedis: append-only data survives a SIGKILL restart; down/up; password', { skip: !haveRedis() && 'redis-server is not installed' }, async () => {
  const r = await startRedis({ appendonly: true, password: 'p w' });
  assert.match(r.url, /^redis:\/\/:p%20w@127\.0\.0\.1:\d+\/0$/);
  assert.equal(await r.cli('SET', 'k', '5'), 'OK');
  await r.restart({ kill: true });
  assert.equal(await r.cli('GET', 'k'), '5');
  await r.down();
  await assert.rejects(r.cli('GET', 'k'));
  await r.up();
  assert.equal(await r.cli('GET', 'k'), '5');
});

test('startRedis: without append-only, a restart starts empty', { skip: !haveRedis() && 'redis-server is not installed' }, async () => {
  const r = await startRedis();
  assert.match(r.url, /^redis:\/\/127\.0\.0\.1:\d+\/0$/);
  assert.equal(await r.cli('SET', 'k', '1'), 'OK');
  await r.restart();
  assert.equal(await r.cli('DBSIZE'), '0');
  await r.stop();
  await assert.rejects(r.cli('PING'));
});
