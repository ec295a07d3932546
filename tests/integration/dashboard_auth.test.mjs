// The dashboard behind admin authentication: the login form, the session token kept in sessionStorage
// and sent on every API call, the live feed's ticket, and signing out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, startFakeUpstream, request, cleanup } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';
import { launchBrowser, openPage } from './lib/browser.mjs';

const PASSWORD = 'dash-admin-pass-41c2';
let up;
let gw;
let browser;
before(async () => {
  up = await startFakeUpstream();
  const cfg = azureAndAnthropic(up.url, { top: { auth_config: { is_enabled: true, admin_username: 'admin', admin_password: 'env.TEST_ADMIN_PASSWORD' } } });
  gw = await startGateway({ config: cfg, env: { ...azureEnv(up.url), TEST_ADMIN_PASSWORD: PASSWORD } });
  browser = await launchBrowser();
});
after(cleanup);

test('the page itself loads without credentials; the data behind it does not', async () => {
  const page = await request(`${gw.url}/governance/virtual-keys`);
  assert.equal(page.status, 200);
  assert.match(page.headers['content-type'], /^text\/html/);
  let r = await request(`${gw.url}/api/governance/virtual-keys`);
  assert.equal(r.status, 401);
  assert.equal(r.headers['www-authenticate'], 'Basic realm="heimdall"');
  // The dashboard's own calls get no Basic challenge (the browser would show its password dialog).
  r = await request(`${gw.url}/api/governance/virtual-keys`, { headers: { 'x-requested-with': 'XMLHttpRequest' } });
  assert.equal(r.status, 401);
  assert.equal(r.headers['www-authenticate'], undefined);
});

test('sign in through the form, use the pages with the session token, sign out', async () => {
  const { page, errors } = await openPage(browser);
  const apiCalls = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/') && !r.url().includes('/api/session/')) apiCalls.push(r.headers().authorization ?? '');
  });
  await page.goto(`${gw.url}/providers`);
  await page.locator('#login-form').waitFor();
  assert.equal(await page.locator('nav').count(), 0, 'nothing but the form before signing in');

  await page.locator('#login-username').fill('admin');
  await page.locator('#login-password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#login-error:not([hidden])').waitFor();
  assert.match(await page.locator('#login-error').textContent(), /invalid|credentials|password/i);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('heimdall.session')), null);

  await page.locator('#login-password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('tr[data-provider="azure"]').waitFor();
  const token = await page.evaluate(() => sessionStorage.getItem('heimdall.session'));
  assert.ok(token && token.length >= 40);
  assert.ok(apiCalls.length > 0 && apiCalls.every((a) => a === `Bearer ${token}`), JSON.stringify(apiCalls));
  assert.equal((await request(`${gw.url}/api/keys`, { headers: { authorization: `Bearer ${token}` } })).status, 200);

  // A reload keeps the session (sessionStorage); another page works too.
  await page.goto(`${gw.url}/governance/virtual-keys`);
  await page.locator('#vk-list table').waitFor();
  assert.equal(await page.locator('#login-form').count(), 0);

  await page.locator('#logout').click();
  await page.locator('#login-form').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('heimdall.session')), null);
  assert.equal((await request(`${gw.url}/api/keys`, { headers: { authorization: `Bearer ${token}` } })).status, 401, 'the token is revoked');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('the live log feed connects with a ticket when signed in, and new requests appear', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${gw.url}/logs`);
  await page.locator('#login-username').fill('admin');
  await page.locator('#login-password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#live-state[data-state="live"]').waitFor();
  const r = await request(`${gw.url}/anthropic/v1/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'azure/claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'live with auth' }] }),
  });
  assert.equal(r.status, 200, r.text);
  await page.locator('tr[data-log-id] td.col-deployment', { hasText: 'my-claude-sonnet-deployment' }).first().waitFor();
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('a session that ends while the dashboard is open brings back the login form', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${gw.url}/providers`);
  await page.locator('#login-username').fill('admin');
  await page.locator('#login-password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('tr[data-provider="azure"]').waitFor();
  const token = await page.evaluate(() => sessionStorage.getItem('heimdall.session'));
  await request(`${gw.url}/api/session/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: {} });
  await page.getByRole('link', { name: 'Virtual Keys' }).click();
  await page.locator('#login-form').waitFor();
  assert.match(await page.locator('#login-error').textContent(), /session has ended/);
  assert.deepEqual(errors, []);
  await page.context().close();
});
