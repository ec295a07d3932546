// MCP tool calls are observed like requests: each one (allowed, failed or denied) becomes a record in the
// request log's MCP table (GET /api/mcp-logs, filters, stats), a live-feed event, and a metric per
// client and tool — with the arguments and results only while content logging is on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, cleanup, waitFor, request } from './lib/harness.mjs';
import { connectSdk, stdioEverything } from './lib/mcp.mjs';
import { connectWs } from './lib/ws.mjs';

const VK_ALL = 'bf-mcpobs-all-0123456789abcdefghijklmnop';
const VK_ECHO = 'bf-mcpobs-echo-0123456789abcdefghijklmno';
const bearer = (vk) => ({ Authorization: `Bearer ${vk}` });

let gw;
before(async () => {
  gw = await startGateway({
    config: {
      client: { enforce_auth_on_inference: true },
      mcp: { client_configs: [stdioEverything('everything')] },
      governance: {
        virtual_keys: [
          { id: 'all', name: 'all', value: VK_ALL, mcp_configs: [{ mcp_client_name: 'everything', tools_to_execute: ['*'] }] },
          { id: 'echo', name: 'echo', value: VK_ECHO, mcp_configs: [{ mcp_client_name: 'everything', tools_to_execute: ['echo'] }] },
        ],
      },
    },
  });
  await waitFor(async () => {
    const { client } = await connectSdk(gw.url, bearer(VK_ALL));
    const { tools } = await client.listTools();
    await client.close();
    return tools.some((t) => t.name === 'everything-echo');
  }, { timeoutMs: 20000, intervalMs: 200, message: () => `upstream not ready:\n${gw.stderr().slice(-2000)}` });
});
after(cleanup);

const mcpLogs = async (query = '') => {
  const r = await request(`${gw.url}/api/mcp-logs${query}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const metricValue = (text, name, labels) => {
  const line = text.split('\n').find((l) => l.startsWith(name + '{') && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
};

test('every tool call, allowed or denied, is in /api/mcp-logs, the live feed and /metrics', async () => {
  const ws = await connectWs(`ws://127.0.0.1:${gw.port}/ws`);
  const { client } = await connectSdk(gw.url, bearer(VK_ALL));
  const ok = await client.callTool({ name: 'everything-echo', arguments: { message: 'observed' } });
  assert.deepEqual(ok.content, [{ type: 'text', text: 'Echo: observed' }]);
  const sum = await client.callTool({ name: 'everything-get-sum', arguments: { a: 1, b: 2 } });
  assert.match(sum.content[0].text, /3/);
  await client.close();
  // A key limited to echo: get-sum is refused before any upstream call, and logged as denied.
  const { client: limited } = await connectSdk(gw.url, bearer(VK_ECHO));
  await assert.rejects(limited.callTool({ name: 'everything-get-sum', arguments: { a: 1, b: 2 } }));
  await limited.close();

  let page;
  await waitFor(async () => (page = await mcpLogs('?sort_by=timestamp&order=asc')).logs.length === 3,
    { timeoutMs: 5000, message: () => JSON.stringify(page) });
  const [echo, summed, denied] = page.logs;
  assert.equal(page.pagination.total_count, 3);
  assert.equal(echo.client, 'everything');
  assert.equal(echo.tool, 'echo');
  assert.equal(echo.status, 'success');
  assert.equal(echo.virtual_key_id, 'all');
  assert.equal(echo.virtual_key_name, 'all');
  assert.deepEqual(echo.arguments, { message: 'observed' });
  assert.match(JSON.stringify(echo.result), /Echo: observed/);
  assert.ok(echo.latency > 0 && echo.latency < 5000, String(echo.latency));
  assert.match(echo.trace_id, /^[0-9a-f]{32}$/);
  assert.equal(summed.tool, 'get-sum');
  assert.equal(summed.status, 'success');
  assert.equal(denied.tool, 'get-sum');
  assert.equal(denied.status, 'denied');
  assert.equal(denied.virtual_key_name, 'echo');
  assert.ok(denied.error_details && denied.error_details.length > 0);

  // Filters and stats.
  assert.equal((await mcpLogs('?status=denied')).logs.length, 1);
  assert.equal((await mcpLogs('?tool_names=echo')).logs.length, 1);
  assert.equal((await mcpLogs('?virtual_key_ids=echo')).logs.length, 1);
  const stats = (await request(`${gw.url}/api/mcp-logs/stats`)).json;
  assert.equal(stats.total_executions, 3);
  assert.equal(stats.success_count, 2);

  // The live feed saw each of them.
  await waitFor(() => ws.messages.filter((m) => m.type === 'mcp_log').length >= 3, { timeoutMs: 5000, message: () => JSON.stringify(ws.messages) });
  const live = ws.messages.filter((m) => m.type === 'mcp_log').map((m) => `${m.payload.tool}:${m.payload.status}`);
  assert.deepEqual(live.sort(), ['echo:success', 'get-sum:denied', 'get-sum:success']);
  ws.close();

  // Metrics per client and tool.
  const metrics = (await request(`${gw.url}/metrics`)).text;
  assert.equal(metricValue(metrics, 'heimdall_mcp_tool_calls_total', { client: 'everything', tool: 'echo' }), 1, metrics.split('\n').filter((l) => l.includes('mcp')).join('\n'));
  assert.equal(metricValue(metrics, 'heimdall_mcp_tool_calls_total', { client: 'everything', tool: 'get-sum', status: 'denied' }), 1);
  assert.equal(metricValue(metrics, 'heimdall_mcp_tool_calls_total', { client: 'everything', tool: 'get-sum', status: 'success' }), 1);
});

test("a tool call keeps the client's W3C trace id", async () => {
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const { client } = await connectSdk(gw.url, { ...bearer(VK_ALL), traceparent: `00-${traceId}-b7ad6b7169203331-01` });
  await client.callTool({ name: 'everything-echo', arguments: { message: 'traced' } });
  await client.close();
  let page;
  await waitFor(async () => (page = await mcpLogs(`?content_search=traced`)).logs.length === 1, { timeoutMs: 5000, message: () => JSON.stringify(page) });
  assert.equal(page.logs[0].trace_id, traceId);
});
