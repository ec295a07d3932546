// The web dashboard in headless Chromium: served by the gateway itself, live log table over /ws, request
// details, charts, Governance > Virtual Keys (create through the UI, then use the key), providers, MCP page.
// Admin-auth login is in dashboard_auth.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, startFakeUpstream, request, waitFor, cleanup } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';
import { launchBrowser, openPage } from './lib/browser.mjs';

let up;
let gw;
let browser;
before(async () => {
  up = await startFakeUpstream();
  gw = await startGateway({ config: azureAndAnthropic(up.url), env: azureEnv(up.url) });
  browser = await launchBrowser();
});
after(cleanup);

const messages = (model, text, headers = {}) => request(`${gw.url}/anthropic/v1/messages`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
  body: JSON.stringify({ model, max_tokens: 64, messages: [{ role: 'user', content: text }] }),
});

test('the gateway serves the dashboard: pages, assets with types and ETags, and never shadows an API', async () => {
  for (const p of ['/', '/logs', '/logs/some-id', '/providers', '/governance/virtual-keys', '/mcp-clients']) {
    const r = await request(`${gw.url}${p}`);
    assert.equal(r.status, 200, p);
    assert.match(r.headers['content-type'], /^text\/html/, p);
    assert.match(r.text, /<script type="module" src="\/assets\/js\/app.js"><\/script>/, p);
    assert.match(r.headers['content-security-policy'], /default-src 'self'/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
  }
  // A bookmarked page the server does not know: the app for a browser, JSON 404 for anything else.
  const html = { accept: 'text/html,application/xhtml+xml' };
  let r = await request(`${gw.url}/some/old/bookmark`, { headers: html });
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/html/);
  r = await request(`${gw.url}/some/old/bookmark`);
  assert.equal(r.status, 404);
  assert.match(r.headers['content-type'], /json/);
  for (const p of ['/api/nope', '/v1/nope', '/anthropic/nope', '/openai/nope', '/mcp/nope', '/ws/nope', '/health/x', '/assets/nope.js']) {
    r = await request(`${gw.url}${p}`, { headers: html });
    assert.equal(r.status, 404, p);
    assert.doesNotMatch(r.headers['content-type'], /html/, p);
  }
  r = await request(`${gw.url}/health`, { headers: html });
  assert.deepEqual(r.json, { status: 'ok' });

  const js = await request(`${gw.url}/assets/js/app.js`);
  assert.equal(js.status, 200);
  assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.match(js.headers.etag, /^"[0-9a-f]{32}"$/);
  assert.equal(js.headers['cache-control'], 'no-cache');
  const again = await request(`${gw.url}/assets/js/app.js`, { headers: { 'if-none-match': js.headers.etag } });
  assert.equal(again.status, 304);
  assert.equal(again.text, '');
  const changed = await request(`${gw.url}/assets/js/app.js`, { headers: { 'if-none-match': '"other"' } });
  assert.equal(changed.status, 200);
  assert.equal(changed.text, js.text);
  const css = await request(`${gw.url}/assets/css/app.css`);
  assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  const svg = await request(`${gw.url}/assets/favicon.svg`);
  assert.equal(svg.headers['content-type'], 'image/svg+xml');
});

test('a request through the gateway appears live under Logs; its details show provider, deployment, tokens and cost', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${gw.url}/logs`);
  await page.locator('#live-state[data-state="live"]').waitFor();
  await page.evaluate(() => { window.__sameDocument = true; });

  await up.script({ content: [{ type: 'text', text: 'Let me check the weather.' }, { type: 'tool_use', name: 'get_weather', input: { city: 'Oslo' } }],
    usage: { input_tokens: 10000, output_tokens: 2000 } });
  const r = await messages('azure/claude-sonnet-4-6', 'What is the weather in Oslo?');
  assert.equal(r.status, 200, r.text);

  const row = page.locator('tr[data-log-id]', { has: page.locator('td.col-deployment', { hasText: 'my-claude-sonnet-deployment' }) });
  await row.first().waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the row arrived without a reload');
  assert.equal(await row.first().locator('td.col-provider').textContent(), 'azure');
  assert.match(await row.first().locator('td.col-tokens').textContent(), /10,000 → 2,000/);

  await row.first().click();
  await page.waitForURL(/\/logs\/[^/]+$/);
  const field = (f) => page.locator(`[data-field="${f}"]`).textContent();
  await page.locator('#log-summary').waitFor();
  assert.equal(await field('provider'), 'azure');
  assert.equal(await field('deployment'), 'my-claude-sonnet-deployment');
  assert.equal(await field('prompt_tokens'), '10,000');
  assert.equal(await field('completion_tokens'), '2,000');
  // claude-sonnet-4-6 at $3 / $15 per million tokens: 10000 * 3e-6 + 2000 * 15e-6 = $0.06
  assert.equal(await field('cost'), '$0.06');
  assert.match(await field('latency'), /^\d+ ms$|^\d+\.\d\d s$/);
  const attempts = page.locator('section.card', { has: page.getByRole('heading', { name: 'Attempts (1)' }) });
  assert.match(await attempts.locator('tbody tr').textContent(), /azure.*my-claude-sonnet-deployment.*azure-api-key.*200/);
  const conv = page.locator('#conversation');
  await conv.getByText('What is the weather in Oslo?').waitFor();
  await conv.locator('.tool-call', { hasText: 'get_weather' }).waitFor();
  assert.match(await page.locator('#raw-input').textContent(), /"max_tokens": 64/);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('the charts and stats under Logs show the traffic (volume, latency, cost)', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await messages('azure/claude-haiku-4-5', `chart ${i}`)).status, 200);
  let last;
  const stats = await waitFor(async () => {
    last = await request(`${gw.url}/api/logs/stats`);
    return last.json?.total_requests >= 4 && last.json;
  }, { timeoutMs: 10000, message: () => `the four requests never reached /api/logs/stats: ${last.status} ${last.text}` });
  const { page, errors } = await openPage(browser);
  await page.goto(`${gw.url}/logs?range=1h`);
  await page.locator('svg[data-chart="volume"] rect.bar').first().waitFor();
  const sum = (chart) => page.$$eval(`svg[data-chart="${chart}"] [data-value]`, (els) => els.reduce((a, e) => a + Number(e.dataset.value), 0));
  assert.equal(await sum('volume'), stats.total_requests);
  assert.ok(await sum('cost') > 0);
  assert.ok(await page.locator('svg[data-chart="latency"] circle.dot').count() >= 1);
  assert.equal(await page.locator('#stat-requests').textContent(), String(stats.total_requests));
  assert.equal(await page.locator('#stat-success').textContent(), '100.0%');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('Governance > Virtual Keys: a key created in the UI is shown once and the gateway accepts it', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${gw.url}/`);
  await page.getByRole('link', { name: 'Virtual Keys' }).click();
  await page.waitForURL(/\/governance\/virtual-keys$/);
  await page.locator('#vk-create').click();
  const dlg = page.locator('dialog.modal');
  await dlg.locator('input[name=name]').fill('claude-code-azure');
  await dlg.locator('input[name=provider][value=azure]').check();
  await dlg.locator('input[name=budget]').fill('100');
  await dlg.getByRole('button', { name: 'Create' }).click();
  const value = await page.locator('[data-testid=vk-value]').inputValue();
  assert.match(value, /^bf-/);
  await page.locator('dialog.modal', { has: page.locator('[data-testid=vk-value]') }).getByRole('button', { name: 'Close' }).click();
  const vkRow = page.locator('tr[data-vk-name="claude-code-azure"]');
  await vkRow.waitFor();
  assert.match(await vkRow.textContent(), /\$0 \/ \$100/);
  assert.doesNotMatch(await page.content(), new RegExp(value), 'the value is not shown again');

  // The gateway takes the key for azure, refuses another provider for it, and refuses unknown keys.
  let r = await messages('azure/claude-sonnet-4-6', 'with my key', { 'x-bf-vk': value });
  assert.equal(r.status, 200, r.text);
  const seen = await up.requests();
  assert.equal(seen.at(-1).path, '/anthropic/v1/messages');
  r = await messages('anthropic/claude-sonnet-4-6', 'not allowed', { 'x-bf-vk': value });
  assert.equal(r.status, 403, r.text);
  r = await messages('azure/claude-sonnet-4-6', 'unknown key', { 'x-bf-vk': 'bf-not-a-real-key' });
  assert.equal(r.status, 401, r.text);

  // Usage shows on the page; an edit (deactivate) takes effect; delete removes it.
  const spent = async () => (await request(`${gw.url}/api/governance/virtual-keys`)).json.virtual_keys[0].usage.find((u) => u.kind === 'budget').current_usage_usd;
  await waitFor(async () => (await spent()) > 0, { timeoutMs: 5000, message: 'the key\'s spend was never recorded' });
  await page.reload();
  await vkRow.waitFor();
  assert.doesNotMatch(await vkRow.textContent(), /\$0 \/ \$100/, 'the spend shows');
  await vkRow.getByRole('button', { name: 'Edit' }).click();
  await dlg.locator('input[name=is_active]').uncheck();
  await dlg.getByRole('button', { name: 'Save' }).click();
  await vkRow.locator('.badge', { hasText: 'inactive' }).waitFor();
  r = await messages('azure/claude-sonnet-4-6', 'inactive key', { 'x-bf-vk': value });
  assert.equal(r.status, 403, r.text);
  const stored = (await request(`${gw.url}/api/governance/virtual-keys`)).json.virtual_keys.find((k) => k.name === 'claude-code-azure');
  assert.deepEqual(stored.allowed_providers, ['azure']);
  assert.equal(stored.budget.max_limit, 100);
  await vkRow.getByRole('button', { name: 'Delete' }).click();
  await vkRow.waitFor({ state: 'detached' });
  assert.equal((await request(`${gw.url}/api/governance/virtual-keys`)).json.total, 0);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('Providers: lists the configured providers and adds a key; names from the API are shown as text', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${gw.url}/providers`);
  await page.locator('tr[data-provider="azure"]').waitFor();
  await page.locator('tr[data-provider="anthropic"]').waitFor();
  await page.locator('tr[data-provider="anthropic"]').getByRole('link', { name: 'Manage' }).click();
  await page.waitForURL(/\/providers\/anthropic$/);
  await page.locator('tr[data-key-name="anthropic-key"]').waitFor();
  await page.locator('#key-add').click();
  const dlg = page.locator('dialog.modal');
  const evil = '<img src=x onerror="window.__xss=1">';
  await dlg.locator('input[name=name]').fill(evil);
  await dlg.locator('input[name=value]').fill('sk-ant-second');
  await dlg.getByRole('button', { name: 'Add key' }).click();
  const row = page.locator('tr[data-key-name]', { hasText: evil });
  await row.waitFor();
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  const keys = (await request(`${gw.url}/api/providers/anthropic/keys`)).json.keys;
  assert.deepEqual(keys.map((k) => k.name).sort(), [evil, 'anthropic-key'].sort());
  assert.ok(!(await row.textContent()).includes('sk-ant-second'), 'the secret is not shown');
  await row.getByRole('button', { name: 'Delete' }).click();
  await row.waitFor({ state: 'detached' });
  assert.equal((await request(`${gw.url}/api/providers/anthropic/keys`)).json.total, 1);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('Teams and Customers: create a customer and a team under it in the UI', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${gw.url}/governance/customers`);
  await page.locator('#customer-create').click();
  let dlg = page.locator('dialog.modal');
  await dlg.locator('input[name=name]').fill('Acme');
  await dlg.locator('input[name=budget]').fill('500');
  await dlg.getByRole('button', { name: 'Create' }).click();
  await page.locator('tr[data-name="Acme"]').waitFor();
  await page.getByRole('link', { name: 'Teams' }).click();
  await page.locator('#team-create').click();
  dlg = page.locator('dialog.modal');
  await dlg.locator('input[name=name]').fill('Platform');
  await dlg.locator('select[name=customer_id]').selectOption({ label: 'Acme' });
  await dlg.getByRole('button', { name: 'Create' }).click();
  const row = page.locator('tr[data-name="Platform"]');
  await row.waitFor();
  assert.match(await row.textContent(), /Acme/);
  const teams = (await request(`${gw.url}/api/governance/teams`)).json.teams;
  const customers = (await request(`${gw.url}/api/governance/customers`)).json.customers;
  assert.equal(teams[0].customer_id, customers[0].id);
  assert.equal(customers[0].budget.max_limit, 500);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('MCP Clients: the page follows what /api/mcp/clients answers (a notice when the MCP gateway is absent)', async () => {
  const api = await request(`${gw.url}/api/mcp/clients`);
  const { page, errors } = await openPage(browser);
  await page.goto(`${gw.url}/mcp-clients`);
  if (api.status === 404) await page.locator('#mcp-unavailable').waitFor();
  else await page.locator('#mcp-list table').waitFor();
  await page.goto(`${gw.url}/no-such-page`);
  await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('Logs says so when the request log is turned off (logs_store.enabled = false)', async () => {
  const off = await startGateway({ config: azureAndAnthropic(up.url, { top: { logs_store: { enabled: false } } }), env: azureEnv(up.url) });
  const { page, errors } = await openPage(browser);
  await page.goto(`${off.url}/logs`);
  await page.locator('#logs-unavailable', { hasText: 'turned off' }).waitFor();
  assert.deepEqual(errors, []);
  await page.context().close();
  await off.stop();
});
