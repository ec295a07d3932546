// Claude Code (npm @anthropic-ai/claude-code, pinned) using the MCP gateway exactly as the seed article
// says: `claude mcp add --transport http <name> <gateway>/mcp --header "Authorization: Bearer bf-..."`,
// then a `claude -p` task in which the (fake) model calls an aggregated tool of the reference MCP server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, startFakeUpstream, cleanup, tmpDir } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';
import { claudeCodeBin, claudeEnv, runClaude } from './lib/clients.mjs';
import { stdioEverything } from './lib/mcp.mjs';

const VK = 'bf-claude-mcp-0123456789abcdefghijklmnopq';

let up;
let gw;
before(async () => {
  up = await startFakeUpstream();
  const cfg = azureAndAnthropic(up.url, {
    top: {
      mcp: { client_configs: [stdioEverything('everything')] },
      governance: {
        virtual_keys: [{ id: 'dev', name: 'dev', value: VK, provider_configs: [{ provider: 'azure', weight: 1, allowed_models: ['*'] }],
          mcp_configs: [{ mcp_client_name: 'everything', tools_to_execute: ['echo', 'get-sum'] }] }],
      },
    },
  });
  gw = await startGateway({ config: cfg, env: azureEnv(up.url) });
});
after(cleanup);

test('Claude Code attached with `claude mcp add --transport http` calls an aggregated MCP tool during claude -p', { timeout: 180_000 }, async (t) => {
  const bin = claudeCodeBin();
  assert.ok(bin, 'Claude Code is installed in tests/clients');
  const work = tmpDir('heimdall-claude-mcp-work-');
  const home = tmpDir('heimdall-claude-mcp-home-');
  const env = claudeEnv(gw.url, home, 'azure/claude-sonnet-4-6', VK);

  // The seed article's command, verbatim apart from the URL and key.
  const add = await runClaude(bin, ['mcp', 'add', '--transport', 'http', 'heimdall', `${gw.url}/mcp`, '--header', `Authorization: Bearer ${VK}`],
    { cwd: work, env, timeoutMs: 30_000 });
  assert.equal(add.code, 0, `${add.stdout}\n${add.stderr}`);
  const get = await runClaude(bin, ['mcp', 'get', 'heimdall'], { cwd: work, env, timeoutMs: 30_000 });
  t.diagnostic(get.stdout);
  assert.match(get.stdout, /Connected/i, `claude mcp get: ${get.stdout}\n${get.stderr}`);

  await up.script([
    { content: [{ type: 'text', text: 'Let me ask the echo tool.' },
      { type: 'tool_use', id: 'toolu_mcp_echo', name: 'mcp__heimdall__everything-echo', input: { message: 'through heimdall' } }] },
    { content: [{ type: 'text', text: 'The tool said: Echo: through heimdall' }] },
  ]);
  const r = await runClaude(bin, ['-p', 'Use the echo tool with the message "through heimdall".', '--output-format', 'json',
    '--allowedTools', 'mcp__heimdall__everything-echo'], { cwd: work, env, timeoutMs: 150_000 });
  t.diagnostic(`claude exit ${r.code}; stderr: ${r.stderr.slice(0, 500)}`);
  assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const result = JSON.parse(r.stdout);
  assert.equal(result.is_error, false, r.stdout);

  const seen = (await up.requests()).filter((q) => q.path === '/anthropic/v1/messages');
  assert.equal(seen.length, 2, seen.map((q) => q.path).join(','));
  // Claude Code offered the gateway's tools to the model: the permitted ones only.
  // (This Claude Code version defers MCP tools behind ToolSearch and names them in the conversation.)
  const first = JSON.stringify(seen[0].body);
  const offered = [...new Set(first.match(/mcp__heimdall__[\w-]+/g) ?? [])].sort();
  assert.deepEqual(offered, ['mcp__heimdall__everything-echo', 'mcp__heimdall__everything-get-sum']);
  // The tool result Claude Code sent back is what server-everything answered through the gateway.
  const toolResult = seen[1].body.messages.at(-1).content.find((b) => b.type === 'tool_result');
  assert.equal(toolResult.tool_use_id, 'toolu_mcp_echo');
  assert.match(JSON.stringify(toolResult.content), /Echo: through heimdall/);
  assert.notEqual(toolResult.is_error, true);
  await gw.waitForLog(/mcp tool call id=\w+ client=everything tool=echo vk=dev .*status=success/);
});
