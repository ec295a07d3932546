// Claude Code itself (npm @anthropic-ai/claude-code, pinned) doing a multi-step tool task through Heimdall
// to the fake Azure Claude deployment: write a file, run a command, read the result, answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startGateway, startFakeUpstream, cleanup, tmpDir } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';
import { claudeCodeBin, claudeEnv as claudeEnvFor, runClaude } from './lib/clients.mjs';

let up;
let gw;
before(async () => {
  up = await startFakeUpstream();
  gw = await startGateway({ config: azureAndAnthropic(up.url), env: azureEnv(up.url) });
});
after(cleanup);

test('Claude Code completes a Write → Bash → Read task through Heimdall', { timeout: 180_000 }, async (t) => {
  const bin = claudeCodeBin();
  assert.ok(bin, 'Claude Code is installed in tests/clients (run scripts/install-deps.sh --test)');
  const work = tmpDir('heimdall-claude-work-');
  const home = tmpDir('heimdall-claude-home-');
  const hello = path.join(work, 'hello.txt');
  const count = path.join(work, 'count.txt');
  await up.script([
    { content: [{ type: 'text', text: 'I will create the file.' }, { type: 'tool_use', id: 'toolu_01write', name: 'Write', input: { file_path: hello, content: 'hello from heimdall\n' } }] },
    { content: [{ type: 'tool_use', id: 'toolu_02bash', name: 'Bash', input: { command: `wc -c < ${hello} | tr -d ' ' > ${count}`, description: 'Count the bytes' } }] },
    { content: [{ type: 'tool_use', id: 'toolu_03read', name: 'Read', input: { file_path: count } }] },
    { content: [{ type: 'text', text: 'Done: hello.txt has 20 bytes.' }] },
  ]);
  const env = claudeEnv(home, 'azure/claude-sonnet-4-6');
  const r = await runClaude(bin, ['-p', 'Create hello.txt, count its bytes into count.txt, then tell me the count.',
    '--output-format', 'json', '--allowedTools', 'Write', 'Bash', 'Read', 'Edit', '--permission-mode', 'acceptEdits', '--add-dir', work],
  { cwd: work, env, timeoutMs: 150_000 });
  t.diagnostic(`claude exit ${r.code}; stderr: ${r.stderr.slice(0, 500)}`);
  assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const result = JSON.parse(r.stdout);
  assert.equal(result.is_error, false, r.stdout);
  assert.match(result.result, /20 bytes/);

  // The files Claude Code produced by running the tools.
  assert.equal(fs.readFileSync(hello, 'utf8'), 'hello from heimdall\n');
  assert.equal(fs.readFileSync(count, 'utf8').trim(), '20');

  // What reached the fake Azure deployment.
  const seen = (await up.requests()).filter((q) => q.path === '/anthropic/v1/messages');
  assert.equal(seen.length, 4, seen.map((q) => q.path).join(','));
  for (const q of seen) {
    assert.equal(q.body.model, 'my-claude-sonnet-deployment');
    assert.equal(q.body.stream, true, 'Claude Code always streams');
    assert.equal(q.headers['x-api-key'], 'azure-fake-key');
    assert.equal(q.headers.authorization, undefined);
    assert.equal(q.headers['anthropic-version'], '2023-06-01');
    assert.ok(Array.isArray(q.body.tools) && q.body.tools.some((tool) => tool.name === 'Bash'));
  }
  const toolResults = seen.slice(1).map((q) => {
    const last = q.body.messages.at(-1);
    return last.content.find((b) => b.type === 'tool_result');
  });
  assert.deepEqual(toolResults.map((b) => b.tool_use_id), ['toolu_01write', 'toolu_02bash', 'toolu_03read']);
  assert.match(JSON.stringify(toolResults[2].content), /20/);
});


test('Claude Code completes a multi-tool task on an Azure GPT deployment (two tool calls in one streamed turn)', { timeout: 180_000 }, async (t) => {
  const bin = claudeCodeBin();
  assert.ok(bin, 'Claude Code is installed in tests/clients');
  await up.reset();
  const work = tmpDir('heimdall-claude-gpt-work-');
  const home = tmpDir('heimdall-claude-gpt-home-');
  const a = path.join(work, 'a.txt');
  const b = path.join(work, 'b.txt');
  const both = path.join(work, 'both.txt');
  await up.script([
    { content: [{ type: 'text', text: 'Writing both files.' },
      { type: 'tool_use', id: 'call_write_a', name: 'Write', input: { file_path: a, content: 'alpha\n' } },
      { type: 'tool_use', id: 'call_write_b', name: 'Write', input: { file_path: b, content: 'beta\n' } }], chunk_delay_ms: 3 },
    { content: [{ type: 'tool_use', id: 'call_cat', name: 'Bash', input: { command: `cat ${a} ${b} > ${both}`, description: 'Join the files' } }] },
    { content: [{ type: 'tool_use', id: 'call_read', name: 'Read', input: { file_path: both } }] },
    { content: [{ type: 'text', text: 'both.txt holds alpha and beta.' }] },
  ]);
  const r = await runClaude(bin, ['-p', 'Write a.txt and b.txt, join them into both.txt, and read it back.',
    '--output-format', 'json', '--allowedTools', 'Write', 'Bash', 'Read', 'Edit', '--permission-mode', 'acceptEdits', '--add-dir', work],
  { cwd: work, env: claudeEnv(home, 'azure/gpt-4o'), timeoutMs: 150_000 });
  t.diagnostic(`claude exit ${r.code}; stderr: ${r.stderr.slice(0, 500)}`);
  assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const result = JSON.parse(r.stdout);
  assert.equal(result.is_error, false, r.stdout);
  assert.match(result.result, /alpha and beta/);
  assert.equal(fs.readFileSync(both, 'utf8'), 'alpha\nbeta\n');

  const seen = (await up.requests()).filter((q) => q.path.startsWith('/openai/'));
  assert.ok(seen.length >= 4, seen.map((q) => `${q.status} ${q.path}`).join(','));
  const ok = seen.filter((q) => q.status === 200);
  assert.equal(ok.length, 4);
  for (const q of ok) {
    assert.equal(q.path, '/openai/deployments/my-gpt4o-deployment/chat/completions');
    assert.equal(q.body.stream, true);
    assert.equal(q.headers['api-key'], 'azure-fake-key');
  }
  // The second call carries both tool results, as two tool messages right after the assistant's two calls.
  const second = ok[1].body.messages;
  const i = second.findIndex((m) => m.role === 'assistant' && m.tool_calls?.length === 2);
  assert.ok(i >= 0, JSON.stringify(second.map((m) => m.role)));
  assert.deepEqual(second.slice(i + 1, i + 3).map((m) => [m.role, m.tool_call_id]), [['tool', 'call_write_a'], ['tool', 'call_write_b']]);
});

const claudeEnv = (home, model) => claudeEnvFor(gw.url, home, model);
