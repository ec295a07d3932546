// The MCP clients' management API through the real binary: add, list (state and tools), update,
// reconnect and delete clients of the reference MCP server; validation errors name the field; header
// secrets are redacted; changes reach /mcp at once and survive a restart (config store).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, cleanup, waitFor, request, tmpDir } from './lib/harness.mjs';
import { connectSdk, startEverythingHttp, stdioEverything } from './lib/mcp.mjs';

let gw;
let web;
let appDir;
const post = (url, body) => request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const put = (url, body) => request(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function toolNames() {
  const { client } = await connectSdk(gw.url);
  const { tools } = await client.listTools();
  await client.close();
  return tools.map((t) => t.name).sort();
}

async function clients() {
  const r = await request(`${gw.url}/api/mcp/clients`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

before(async () => {
  web = await startEverythingHttp('streamableHttp');
  appDir = tmpDir('heimdall-mcp-mgmt-');
  gw = await startGateway({ config: { client: {} }, appDir });
});
after(cleanup);

test('clients added, changed, reconnected and removed through /api/mcp/client*', async () => {
  assert.deepEqual(await clients(), []);
  const add = await post(`${gw.url}/api/mcp/client`, stdioEverything('everything', { tools_to_execute: ['echo', 'get-sum'] }));
  assert.equal(add.status, 201, add.text);
  await waitFor(async () => (await clients())[0]?.state === 'connected', { timeoutMs: 15000, intervalMs: 100 });
  const [c] = await clients();
  assert.equal(c.config.name, 'everything');
  assert.ok(c.tools.some((t) => t.name === 'echo'));
  assert.equal(c.server_info.name.length > 0, true);
  assert.deepEqual(await toolNames(), ['everything-echo', 'everything-get-sum']);

  // Validation names the field; duplicates conflict.
  const bad = await post(`${gw.url}/api/mcp/client`, { name: 'x', connection_type: 'ftp' });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /connection_type/);
  const noName = await post(`${gw.url}/api/mcp/client`, { connection_type: 'stdio' });
  assert.equal(noName.status, 400);
  assert.match(noName.json.error.message, /name/);
  const dup = await post(`${gw.url}/api/mcp/client`, stdioEverything('everything'));
  assert.equal(dup.status, 409);

  // An HTTP client with a secret header: redacted in answers, kept when "***" is sent back.
  const addWeb = await post(`${gw.url}/api/mcp/client`, { name: 'web', connection_type: 'http', connection_string: web.url,
    headers: { Authorization: 'Bearer top-secret-token' }, tools_to_execute: ['echo'] });
  assert.equal(addWeb.status, 201, addWeb.text);
  assert.equal(addWeb.json.headers.Authorization, '***');
  await waitFor(async () => (await toolNames()).includes('web-echo'), { timeoutMs: 15000, intervalMs: 100 });
  const listed = (await clients()).find((x) => x.config.name === 'web');
  assert.equal(listed.config.headers.Authorization, '***');
  assert.doesNotMatch(JSON.stringify(await clients()), /top-secret-token/);
  const upd = await put(`${gw.url}/api/mcp/client/web`, { name: 'web', connection_type: 'http', connection_string: web.url,
    headers: { Authorization: '***' }, tools_to_execute: ['echo', 'get-sum'] });
  assert.equal(upd.status, 200, upd.text);
  await waitFor(async () => (await toolNames()).includes('web-get-sum'), { timeoutMs: 15000, intervalMs: 100 });
  const badPlaceholder = await put(`${gw.url}/api/mcp/client/web`, { name: 'web', connection_type: 'http', connection_string: web.url,
    headers: { 'X-New': '***' }, tools_to_execute: ['echo'] });
  assert.equal(badPlaceholder.status, 400);
  assert.match(badPlaceholder.json.error.message, /headers\.X-New/);

  // Narrowing a client's tools_to_execute takes effect on /mcp.
  const narrow = await put(`${gw.url}/api/mcp/client/everything`, stdioEverything('everything', { tools_to_execute: ['echo'] }));
  assert.equal(narrow.status, 200, narrow.text);
  await waitFor(async () => !(await toolNames()).includes('everything-get-sum'), { timeoutMs: 15000, intervalMs: 100 });

  // Reconnect.
  const rc = await post(`${gw.url}/api/mcp/client/everything/reconnect`, {});
  assert.equal(rc.status, 200, rc.text);
  assert.equal((await post(`${gw.url}/api/mcp/client/nope/reconnect`, {})).status, 404);
  await waitFor(async () => (await clients()).every((x) => x.state === 'connected'), { timeoutMs: 15000, intervalMs: 100 });

  // Persisted: a restart on the same app dir (no config file) serves the same clients.
  await gw.stop();
  gw = await startGateway({ appDir });
  await waitFor(async () => {
    const names = await toolNames();
    return names.includes('everything-echo') && names.includes('web-get-sum') && !names.includes('everything-get-sum');
  }, { timeoutMs: 20000, intervalMs: 200 });

  // Delete.
  const del = await request(`${gw.url}/api/mcp/client/web`, { method: 'DELETE' });
  assert.equal(del.status, 200, del.text);
  assert.equal((await request(`${gw.url}/api/mcp/client/web`, { method: 'DELETE' })).status, 404);
  await waitFor(async () => !(await toolNames()).some((n) => n.startsWith('web-')), { timeoutMs: 15000, intervalMs: 100 });
  assert.deepEqual((await clients()).map((x) => x.config.name), ['everything']);
});
