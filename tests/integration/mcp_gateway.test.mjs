// The MCP gateway through the real binary: the reference MCP server (@modelcontextprotocol/server-everything)
// as upstream over stdio, streamable HTTP and the older HTTP+SSE transport, and the official
// @modelcontextprotocol/sdk client on /mcp: initialize, aggregated tools/list, tools/call (text, image,
// isError), per-virtual-key and per-header filtering, sessions (expiry, DELETE), the GET notification
// stream, batches, /v1/mcp/tool/execute, and upstreams that crash, restart or hang.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startGateway, cleanup, waitFor, request } from './lib/harness.mjs';
import { connectSdk, rpc, initializeMessage, startEverythingHttp, stdioEverything } from './lib/mcp.mjs';

const VK_ALL = 'bf-mcp-all-0123456789abcdefghijklmnopqrs';
const VK_ECHO = 'bf-mcp-echo-0123456789abcdefghijklmnopqr';
const VK_NONE = 'bf-mcp-none-0123456789abcdefghijklmnopqr';
const bearer = (vk) => ({ Authorization: `Bearer ${vk}` });

let gw;
let web;
let legacy;
let config;

before(async () => {
  web = await startEverythingHttp('streamableHttp');
  legacy = await startEverythingHttp('sse');
  config = {
    client: { enforce_auth_on_inference: true },
    mcp: {
      client_configs: [
        stdioEverything('everything'),
        { name: 'web', connection_type: 'http', connection_string: web.url, headers: { 'X-Test-Header': 'env.MCP_TEST_HEADER' },
          tools_to_execute: ['echo', 'get-sum'] },
        { name: 'legacy', connection_type: 'sse', connection_string: legacy.url, tools_to_execute: ['echo'] },
      ],
      tool_manager_config: { tool_execution_timeout: 3 },
      session_idle_timeout: 1.5,
    },
    governance: {
      virtual_keys: [
        { id: 'all', name: 'all', value: VK_ALL,
          mcp_configs: [{ mcp_client_name: 'everything', tools_to_execute: ['*'] }, { mcp_client_name: 'web', tools_to_execute: ['*'] },
            { mcp_client_name: 'legacy', tools_to_execute: ['*'] }] },
        { id: 'echo-only', name: 'echo-only', value: VK_ECHO, mcp_configs: [{ mcp_client_name: 'everything', tools_to_execute: ['echo'] }] },
        { id: 'none', name: 'none', value: VK_NONE },
      ],
    },
  };
  gw = await startGateway({ config, env: { MCP_TEST_HEADER: 'secret-header-value' }, args: ['--log-level', 'debug'] });
  // All three upstreams connected and listed.
  await waitFor(async () => {
    const { client } = await connectSdk(gw.url, bearer(VK_ALL));
    const { tools } = await client.listTools();
    await client.close();
    const names = tools.map((t) => t.name);
    return names.includes('everything-echo') && names.includes('web-echo') && names.includes('legacy-echo');
  }, { timeoutMs: 20000, intervalMs: 200, message: () => `upstreams not ready:\n${gw.stderr().slice(-3000)}` });
});
after(cleanup);

test('the SDK client lists the permitted tools of every upstream as <client>-<tool>', async () => {
  const { client, transport } = await connectSdk(gw.url, bearer(VK_ALL));
  assert.match(transport.sessionId, /^[0-9a-f-]{36}$/);
  assert.equal(client.getServerVersion().name, 'heimdall');
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name).sort();
  // stdio client: every tool; web: only echo and get-sum (tools_to_execute); legacy: echo.
  assert.ok(names.includes('everything-echo') && names.includes('everything-get-sum') && names.includes('everything-get-tiny-image'), names.join());
  assert.deepEqual(names.filter((n) => n.startsWith('web-')), ['web-echo', 'web-get-sum']);
  assert.deepEqual(names.filter((n) => n.startsWith('legacy-')), ['legacy-echo']);
  const echo = tools.find((t) => t.name === 'everything-echo');
  assert.equal(echo.inputSchema.type, 'object');
  assert.ok(echo.description.length > 0);
});

test('tools/call is routed to the right upstream (stdio, streamable HTTP, legacy SSE) and answered unchanged', async () => {
  const { client } = await connectSdk(gw.url, bearer(VK_ALL));
  const r1 = await client.callTool({ name: 'everything-echo', arguments: { message: 'over stdio' } });
  assert.deepEqual(r1.content, [{ type: 'text', text: 'Echo: over stdio' }]);
  const r2 = await client.callTool({ name: 'web-get-sum', arguments: { a: 2, b: 40 } });
  assert.match(r2.content[0].text, /42/);
  const r3 = await client.callTool({ name: 'legacy-echo', arguments: { message: 'over sse' } });
  assert.deepEqual(r3.content, [{ type: 'text', text: 'Echo: over sse' }]);
  const img = await client.callTool({ name: 'everything-get-tiny-image', arguments: {} });
  const image = img.content.find((c) => c.type === 'image');
  assert.ok(image && image.mimeType === 'image/png' && image.data.length > 100, JSON.stringify(img.content).slice(0, 300));
  // Bad arguments: the upstream's answer (an error) comes back as it was given.
  const bad = await client.callTool({ name: 'everything-get-sum', arguments: { a: 'x' } }).catch((e) => ({ thrown: e }));
  assert.ok(bad.thrown || bad.isError, JSON.stringify(bad));
  // The gateway logs one line per call.
  await gw.waitForLog(/mcp tool call id=\w+ client=legacy tool=echo vk=all session=[0-9a-f-]+ status=success/);
});

test('per-key filtering: the key\'s mcp_configs and the x-bf-mcp-include-* headers narrow the tools; a forbidden call is refused', async () => {
  const { client: echoOnly } = await connectSdk(gw.url, bearer(VK_ECHO));
  assert.deepEqual((await echoOnly.listTools()).tools.map((t) => t.name), ['everything-echo']);
  const denied = await echoOnly.callTool({ name: 'everything-get-sum', arguments: { a: 1, b: 2 } }).then(() => null, (e) => e);
  assert.ok(denied, 'the call must fail');
  assert.equal(denied.code, -32003);
  assert.match(denied.message, /virtual key "echo-only" may not use tool "get-sum" of MCP client "everything"/);
  await gw.waitForLog(/mcp tool call id=\w+ client=everything tool=get-sum vk=echo-only .*status=denied/);

  const { client: none } = await connectSdk(gw.url, bearer(VK_NONE));
  assert.deepEqual((await none.listTools()).tools, []);

  const { client: narrowed } = await connectSdk(gw.url, { ...bearer(VK_ALL), 'x-bf-mcp-include-tools': 'everything-echo,web-*' });
  assert.deepEqual((await narrowed.listTools()).tools.map((t) => t.name).sort(), ['everything-echo', 'web-echo', 'web-get-sum']);
  const { client: byClient } = await connectSdk(gw.url, { ...bearer(VK_ALL), 'x-bf-mcp-include-clients': 'legacy' });
  assert.deepEqual((await byClient.listTools()).tools.map((t) => t.name), ['legacy-echo']);
  const { client: empty } = await connectSdk(gw.url, { ...bearer(VK_ALL), 'x-bf-mcp-include-clients': '' });
  assert.deepEqual((await empty.listTools()).tools, []);

  // Without a key (auth enforced) or with an unknown one: 401 with a JSON-RPC error body.
  const missing = await rpc(gw.url, initializeMessage());
  assert.equal(missing.status, 401);
  assert.match(missing.json.error.message, /virtual key is required/);
  const unknown = await rpc(gw.url, initializeMessage(), bearer('bf-not-a-real-key-000000000000000000000'));
  assert.equal(unknown.status, 401);
  assert.match(unknown.json.error.message, /unknown virtual key/);
  assert.doesNotMatch(gw.stderr(), /secret-header-value/);
});

test('sessions: initialize negotiates the version, requests need the session, DELETE ends it, idle sessions expire', async () => {
  const init = await rpc(gw.url, initializeMessage('2025-06-18'), bearer(VK_ALL));
  assert.equal(init.status, 200);
  assert.equal(init.json.result.protocolVersion, '2025-06-18');
  assert.equal(init.json.result.capabilities.tools.listChanged, true);
  const sid = init.headers.get('mcp-session-id');
  assert.ok(sid);
  const older = await rpc(gw.url, initializeMessage('2024-11-05'), bearer(VK_ALL));
  assert.equal(older.json.result.protocolVersion, '2024-11-05');
  const future = await rpc(gw.url, initializeMessage('2099-01-01'), bearer(VK_ALL));
  assert.equal(future.json.result.protocolVersion, '2025-11-25', 'an unknown version gets the newest supported one');

  const h = { ...bearer(VK_ALL), 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' };
  const accepted = await rpc(gw.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, h);
  assert.equal(accepted.status, 202);
  assert.equal(accepted.text, '');
  const ping = await rpc(gw.url, { jsonrpc: '2.0', id: 2, method: 'ping' }, h);
  assert.deepEqual(ping.json, { jsonrpc: '2.0', id: 2, result: {} });

  assert.equal((await rpc(gw.url, { jsonrpc: '2.0', id: 3, method: 'ping' }, bearer(VK_ALL))).status, 400, 'no session id');
  assert.equal((await rpc(gw.url, { jsonrpc: '2.0', id: 3, method: 'ping' }, { ...h, 'mcp-protocol-version': '1999-01-01' })).status, 400);
  assert.equal((await rpc(gw.url, { jsonrpc: '2.0', id: 3, method: 'ping' }, { ...bearer(VK_ECHO), 'mcp-session-id': sid })).status, 404,
    'another key cannot use the session');
  const unknownMethod = await rpc(gw.url, { jsonrpc: '2.0', id: 4, method: 'no/such' }, h);
  assert.equal(unknownMethod.json.error.code, -32601);
  const garbage = await rpc(gw.url, '{"jsonrpc":', h);
  assert.equal(garbage.status, 400);
  assert.equal(garbage.json.error.code, -32700);
  const batch = await rpc(gw.url, [{ jsonrpc: '2.0', id: 5, method: 'ping' }], h);
  assert.equal(batch.status, 400, 'batches were removed in 2025-06-18');

  // DELETE ends the session.
  const del = await request(`${gw.url}/mcp`, { method: 'DELETE', headers: { ...bearer(VK_ALL), 'mcp-session-id': sid } });
  assert.equal(del.status, 200);
  assert.equal((await rpc(gw.url, { jsonrpc: '2.0', id: 6, method: 'ping' }, h)).status, 404);

  // Batches under 2025-03-26.
  const v0326 = await rpc(gw.url, initializeMessage('2025-03-26'), bearer(VK_ALL));
  const h2 = { ...bearer(VK_ALL), 'mcp-session-id': v0326.headers.get('mcp-session-id') };
  const both = await rpc(gw.url, [{ jsonrpc: '2.0', id: 'a', method: 'ping' }, { jsonrpc: '2.0', method: 'notifications/initialized' },
    { jsonrpc: '2.0', id: 'b', method: 'tools/list' }], h2);
  assert.equal(both.status, 200);
  assert.deepEqual(both.json.map((m) => m.id), ['a', 'b']);
  assert.ok(both.json[1].result.tools.length > 5);

  // Idle expiry (mcp.session_idle_timeout = 1.5 s): a session left alone is gone afterwards.
  await new Promise((r) => setTimeout(r, 1800)); // the expiry itself is what is tested: wait past it
  assert.equal((await rpc(gw.url, { jsonrpc: '2.0', id: 7, method: 'ping' }, h2)).status, 404);
});

test('the SDK client: terminateSession sends DELETE and the session is gone', async () => {
  const { client, transport } = await connectSdk(gw.url, bearer(VK_ALL));
  await client.ping();
  const sid = transport.sessionId;
  await transport.terminateSession();
  assert.equal(transport.sessionId, undefined);
  assert.equal((await rpc(gw.url, { jsonrpc: '2.0', id: 1, method: 'ping' }, { ...bearer(VK_ALL), 'mcp-session-id': sid })).status, 404);
});

test('GET /mcp: the notification stream carries tools/list_changed when the upstream set changes', async () => {
  const changed = [];
  const { client } = await connectSdk(gw.url, bearer(VK_ALL), { onToolsChanged: (n) => changed.push(n) });
  // The SDK opened the GET stream after initialization; keep the session alive past the idle timeout.
  await client.ping();
  // Add a fourth client by editing config.json and sending SIGHUP.
  const next = structuredClone(config);
  next.mcp.client_configs.push(stdioEverything('second', { tools_to_execute: ['echo'] }));
  next.governance.virtual_keys[0].mcp_configs.push({ mcp_client_name: 'second', tools_to_execute: ['*'] });
  fs.writeFileSync(gw.configPath, JSON.stringify(next));
  gw.proc.kill('SIGHUP');
  await waitFor(() => changed.length > 0, { timeoutMs: 15000, intervalMs: 50, message: () => `no list_changed:\n${gw.stderr().slice(-3000)}` });
  const { tools } = await client.listTools();
  assert.ok(tools.some((t) => t.name === 'second-echo'), tools.map((t) => t.name).join());
  const r = await client.callTool({ name: 'second-echo', arguments: { message: 'new' } });
  assert.equal(r.content[0].text, 'Echo: new');

  // Raw GET checks.
  const noSession = await request(`${gw.url}/mcp`, { headers: { ...bearer(VK_ALL), accept: 'text/event-stream' } });
  assert.equal(noSession.status, 400);
  const badAccept = await request(`${gw.url}/mcp`, { headers: { ...bearer(VK_ALL), accept: 'application/json', 'mcp-session-id': 'x' } });
  assert.equal(badAccept.status, 406);
  const unknownSession = await request(`${gw.url}/mcp`, { headers: { ...bearer(VK_ALL), accept: 'text/event-stream', 'mcp-session-id': 'nope' } });
  assert.equal(unknownSession.status, 404);
  fs.writeFileSync(gw.configPath, JSON.stringify(config));
  gw.proc.kill('SIGHUP');
});

test('POST /v1/mcp/tool/execute runs one tool call (chat and responses shapes)', async () => {
  const chat = await request(`${gw.url}/v1/mcp/tool/execute`, {
    method: 'POST', headers: { ...bearer(VK_ALL), 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'call_1', type: 'function', function: { name: 'everything-echo', arguments: '{"message":"agent loop"}' } }),
  });
  assert.equal(chat.status, 200, chat.text);
  assert.deepEqual(chat.json, { role: 'tool', content: 'Echo: agent loop', tool_call_id: 'call_1' });
  const resp = await request(`${gw.url}/v1/mcp/tool/execute?format=responses`, {
    method: 'POST', headers: { ...bearer(VK_ALL), 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'function_call', call_id: 'fc_1', name: 'web-get-sum', arguments: '{"a":1,"b":2}' }),
  });
  assert.equal(resp.status, 200, resp.text);
  assert.equal(resp.json.type, 'function_call_output');
  assert.equal(resp.json.call_id, 'fc_1');
  assert.match(resp.json.output, /3/);
  const denied = await request(`${gw.url}/v1/mcp/tool/execute`, {
    method: 'POST', headers: { ...bearer(VK_ECHO), 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'c', type: 'function', function: { name: 'everything-get-sum', arguments: '{}' } }),
  });
  assert.equal(denied.status, 403);
  assert.match(denied.json.error.message, /may not use tool/);
  const badArgs = await request(`${gw.url}/v1/mcp/tool/execute`, {
    method: 'POST', headers: { ...bearer(VK_ALL), 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'c', type: 'function', function: { name: 'everything-echo', arguments: '[1' } }),
  });
  assert.equal(badArgs.status, 400);
  assert.match(badArgs.json.error.message, /function\.arguments/);
});

test('an upstream that hangs: the call fails with a timeout error and the gateway keeps answering', async () => {
  const { client } = await connectSdk(gw.url, bearer(VK_ALL));
  const t0 = Date.now();
  const err = await client.callTool({ name: 'everything-trigger-long-running-operation', arguments: { duration: 20, steps: 2 } },
    undefined, { timeout: 15000 }).then(() => null, (e) => e);
  const took = Date.now() - t0;
  assert.ok(err, 'the call must fail');
  assert.equal(err.code, -32002, String(err));
  assert.match(err.message, /did not answer tools\/call within 3000 ms/);
  assert.ok(took >= 2900 && took < 8000, `took ${took} ms`);
  const r = await client.callTool({ name: 'everything-echo', arguments: { message: 'still here' } });
  assert.equal(r.content[0].text, 'Echo: still here');
});

test('a stdio upstream that crashes mid-call: the call fails at once, the server is restarted and works again', async () => {
  const { client } = await connectSdk(gw.url, bearer(VK_ALL));
  const pending = client.callTool({ name: 'everything-trigger-long-running-operation', arguments: { duration: 2.5, steps: 5 } },
    undefined, { timeout: 15000 }).then(() => null, (e) => e);
  // The gateway's child running server-everything over stdio for the "everything" client.
  // (read from /proc: the children whose command line runs server-everything over stdio)
  const childPid = () => fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ');
      return ppid === gw.proc.pid && cmd.includes('server-everything/dist/index.js stdio');
    } catch {
      return false;
    }
  }).map(Number);
  const pids = childPid();
  assert.ok(pids.length >= 1, 'the stdio server runs as a child of the gateway');
  // Kill it (and any other stdio child): the call in flight must fail at once.
  await new Promise((r) => setTimeout(r, 300)); // let the call reach the server before it dies
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  const t0 = Date.now();
  const err = await pending;
  assert.ok(err, 'the call must fail');
  assert.ok(Date.now() - t0 < 2000, 'the failure is reported when the server dies, not at the timeout');
  assert.equal(err.code, -32001, String(err));
  assert.match(err.message, /exited|disconnected|not connected/);
  await waitFor(async () => {
    const r = await client.callTool({ name: 'everything-echo', arguments: { message: 'back' } }).catch(() => null);
    return r && r.content[0].text === 'Echo: back';
  }, { timeoutMs: 10000, intervalMs: 200 });
});

test('resources and prompts of the permitted clients are aggregated and routed', async () => {
  const { client } = await connectSdk(gw.url, bearer(VK_ALL));
  const { resources } = await client.listResources();
  assert.ok(resources.length > 0, 'server-everything offers resources');
  const first = resources[0];
  const read = await client.readResource({ uri: first.uri });
  assert.equal(read.contents[0].uri, first.uri);
  const { resourceTemplates } = await client.listResourceTemplates();
  assert.ok(Array.isArray(resourceTemplates));
  const { prompts } = await client.listPrompts();
  const names = prompts.map((p) => p.name);
  assert.ok(names.includes('everything-simple-prompt'), names.join());
  const got = await client.getPrompt({ name: 'everything-simple-prompt' });
  assert.ok(got.messages.length > 0);
  assert.equal(got.messages[0].role, 'user');
  // A key without access to any client sees none of them.
  const { client: none } = await connectSdk(gw.url, bearer(VK_NONE));
  assert.deepEqual((await none.listPrompts()).prompts, []);
  assert.deepEqual((await none.listResources()).resources, []);
  const err = await none.getPrompt({ name: 'everything-simple-prompt' }).then(() => null, (e) => e);
  assert.equal(err.code, -32602);
});

test('a client that cancels a call (notifications/cancelled): the gateway ends it at once (and forwards the cancellation upstream)', async () => {
  const { client } = await connectSdk(gw.url, bearer(VK_ALL));
  const ac = new AbortController();
  const pending = client.callTool({ name: 'everything-trigger-long-running-operation', arguments: { duration: 20, steps: 2 } },
    undefined, { signal: ac.signal, timeout: 15000 }).then(() => null, (e) => e);
  await new Promise((r) => setTimeout(r, 300)); // let the call reach the upstream before cancelling it
  const t0 = Date.now();
  ac.abort('user pressed escape');
  assert.ok(await pending, 'the SDK rejects the aborted call');
  // Well before the 3 s tool timeout, the gateway records the call as cancelled.
  await gw.waitForLog(/cancelled by the client/, 2000);
  await gw.waitForLog(/mcp tool call id=\w+ client=everything tool=trigger-long-running-operation .*status=error .*tools\/call cancelled by the client/, 2000);
  assert.ok(Date.now() - t0 < 2500);
  const r = await client.callTool({ name: 'everything-echo', arguments: { message: 'after cancel' } });
  assert.equal(r.content[0].text, 'Echo: after cancel');
});
