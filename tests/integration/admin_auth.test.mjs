// Admin authentication for the management API (auth_config): Basic, session tokens, login rate
// limiting, and inference untouched by it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, startFakeUpstream, request, cleanup } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';

let up;
let gw;
const PASSWORD = 'admin-pass-9f8e7d';
before(async () => {
  up = await startFakeUpstream();
  const cfg = azureAndAnthropic(up.url, { top: { auth_config: { is_enabled: true, admin_username: 'admin', admin_password: 'env.TEST_ADMIN_PASSWORD' } } });
  gw = await startGateway({ config: cfg, env: { ...azureEnv(up.url), TEST_ADMIN_PASSWORD: PASSWORD } });
});
after(cleanup);

const basic = (u, p) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const get = (p, auth) => request(`${gw.url}${p}`, { headers: auth ? { authorization: auth } : {} });
const post = (p, body, headers = {}) => request(`${gw.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

test('without credentials /api is 401 with a hint; is-auth-enabled says so', async () => {
  let r = await get('/api/providers');
  assert.equal(r.status, 401);
  assert.equal(r.headers['www-authenticate'], 'Basic realm="heimdall"');
  assert.match(r.json.error.message, /POST \/api\/session\/login/);
  r = await get('/api/session/is-auth-enabled');
  assert.deepEqual(r.json, { is_auth_enabled: true, has_valid_token: false });
});

test('Basic auth with the admin credentials works; a wrong password does not', async () => {
  let r = await get('/api/providers', basic('admin', PASSWORD));
  assert.equal(r.status, 200, r.text);
  r = await get('/api/providers', basic('admin', 'nope'));
  assert.equal(r.status, 401);
  r = await get('/api/providers', basic('someone', PASSWORD));
  assert.equal(r.status, 401);
});

test('login returns a session token that authorises /api; logout ends it', async () => {
  let r = await post('/api/session/login', { username: 'admin', password: PASSWORD });
  assert.equal(r.status, 200, r.text);
  const { token } = r.json;
  assert.ok(token.length >= 40);
  r = await get('/api/keys', `Bearer ${token}`);
  assert.equal(r.status, 200, r.text);
  r = await get('/api/session/is-auth-enabled', `Bearer ${token}`);
  assert.deepEqual(r.json, { is_auth_enabled: true, has_valid_token: true });
  r = await post('/api/session/logout', {}, { authorization: `Bearer ${token}` });
  assert.equal(r.status, 200);
  r = await get('/api/keys', `Bearer ${token}`);
  assert.equal(r.status, 401);
});

test('inference is not behind admin auth', async () => {
  const r = await request(`${gw.url}/anthropic/v1/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'azure/claude-sonnet-4-6', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(r.status, 200, r.text);
});

test('repeated failed logins are rate limited (429) and secrets never reach the log', async () => {
  let last;
  for (let i = 0; i < 8; i++) {
    last = await post('/api/session/login', { username: 'admin', password: `wrong-${i}` });
    if (last.status === 429) break;
    assert.equal(last.status, 401);
  }
  assert.equal(last.status, 429);
  assert.match(last.json.error.message, /too many failed admin logins/);
  // Even the right password is refused while locked out.
  const r = await post('/api/session/login', { username: 'admin', password: PASSWORD });
  assert.equal(r.status, 429);
  assert.doesNotMatch(gw.stderr(), new RegExp(PASSWORD));
  assert.doesNotMatch(gw.stderr(), /wrong-\d/);
});
