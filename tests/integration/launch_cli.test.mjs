// `heimdall launch` in scripts: --no-tui / --print-env / --write-settings. A recording stand-in agent on
// PATH shows the exact environment and arguments each harness gets; settings.json merges keep the user's
// other settings; errors are one clear line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { startGateway, startFakeUpstream, cleanup, tmpDir, heimdallBin } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';

const STANDIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'lib/standin/agent.mjs');
const NODE_DIR = path.dirname(process.execPath);
let up;
let gw;

before(async () => {
  up = await startFakeUpstream();
  gw = await startGateway({ config: azureAndAnthropic(up.url), env: azureEnv(up.url) });
});
after(cleanup);

function setup(names = ['claude', 'codex', 'gemini', 'opencode']) {
  const home = tmpDir('heimdall-launch-home-');
  const rec = tmpDir('heimdall-launch-rec-');
  const bin = tmpDir('heimdall-launch-bin-');
  for (const n of names) fs.symlinkSync(STANDIN, path.join(bin, n));
  // Exactly this environment (no inherited HEIMDALL_VK, session bus or agent variables).
  const env = { PATH: `${bin}:${NODE_DIR}:/usr/bin:/bin`, HOME: home, STANDIN_RECORD_DIR: rec };
  const run = (args, extra = {}, { cwd } = {}) => runLaunch(args, { ...env, ...extra }, cwd);
  return { home, rec, env, run };
}

/** Runs `heimdall launch ...` with exactly `env`: {code, stdout, stderr}. Bounded; killed on timeout. */
function runLaunch(args, env, cwd, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    const proc = spawn(heimdallBin(), ['launch', ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    proc.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`heimdall launch ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    proc.on('close', (code) => {
      clearTimeout(timer);
      // Under the ASan+UBSan build a report fails the test whatever the exit code.
      if (/ERROR: (AddressSanitizer|LeakSanitizer)|runtime error: /.test(stderr)) reject(new Error(`sanitizer report:\n${stderr}`));
      else resolve({ code, stdout, stderr });
    });
  });
}

function record(rec, name, i = 0) {
  return JSON.parse(fs.readFileSync(path.join(rec, `${name}-${i}.json`), 'utf8'));
}

const HEIMDALL_VARS = (base, model) => ({ HEIMDALL_BASE_URL: base, HEIMDALL_MODEL: model, HEIMDALL_SESSION: '1' });

test('--no-tui launches each harness with exactly its wiring (stand-in agent on PATH)', { timeout: 60_000 }, async () => {
  const { rec, run, home } = setup();
  const key = { HEIMDALL_VK: 'bf-ci-key' };
  const base = gw.url;

  let r = await run(['--no-tui', '--base-url', `${base}/`, '--harness', 'claude', '--model', 'azure/claude-sonnet-4-6', '--', '-p', 'hi there'], key);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /claude stand-in ran with --model azure\/claude-sonnet-4-6 -p hi there/);
  const c = record(rec, 'claude');
  assert.deepEqual(c.args, ['--model', 'azure/claude-sonnet-4-6', '-p', 'hi there']);
  assert.deepEqual(c.env, {
    ANTHROPIC_BASE_URL: `${base}/anthropic`,
    ANTHROPIC_AUTH_TOKEN: 'bf-ci-key',
    ANTHROPIC_DEFAULT_SONNET_MODEL: 'azure/claude-sonnet-4-6',
    ANTHROPIC_DEFAULT_OPUS_MODEL: 'azure/claude-sonnet-4-6',
    ANTHROPIC_DEFAULT_HAIKU_MODEL: 'azure/claude-sonnet-4-6',
    HEIMDALL_VK: 'bf-ci-key',
    ...HEIMDALL_VARS(base, 'azure/claude-sonnet-4-6'),
  });
  assert.match(r.stderr, /MCP server "heimdall" attached/);

  r = await run(['--no-tui', '--base-url', base, '--harness', 'codex', '--model', 'azure/gpt-4o'], key);
  assert.equal(r.code, 0, r.stderr);
  const x = record(rec, 'codex');
  assert.deepEqual(x.args, ['--model', 'azure/gpt-4o']);
  assert.deepEqual(x.env, {
    OPENAI_BASE_URL: `${base}/v1`, OPENAI_API_KEY: 'bf-ci-key', OPENAI_MODEL: 'azure/gpt-4o', HEIMDALL_VK: 'bf-ci-key',
    ...HEIMDALL_VARS(base, 'azure/gpt-4o'),
  });

  r = await run(['--no-tui', '--base-url', base, '--harness', 'gemini-cli', '--model', 'azure/gpt-4o'], key);
  assert.equal(r.code, 0, r.stderr);
  const g = record(rec, 'gemini');
  assert.deepEqual(g.args, ['--model', 'azure/gpt-4o']);
  assert.deepEqual(g.env, {
    GOOGLE_GEMINI_BASE_URL: `${base}/genai`, GEMINI_API_KEY: 'bf-ci-key', GEMINI_MODEL: 'azure/gpt-4o', HEIMDALL_VK: 'bf-ci-key',
    ...HEIMDALL_VARS(base, 'azure/gpt-4o'),
  });

  r = await run(['--no-tui', '--base-url', base, '--harness', 'opencode', '--model', 'azure/gpt-4o'], key);
  assert.equal(r.code, 0, r.stderr);
  const o = record(rec, 'opencode');
  assert.deepEqual(o.args, []);
  const cfgPath = path.join(home, '.config/heimdall/opencode.json');
  assert.deepEqual(o.env, {
    OPENAI_BASE_URL: `${base}/v1`, OPENAI_API_KEY: 'bf-ci-key', OPENCODE_CONFIG: cfgPath, HEIMDALL_VK: 'bf-ci-key',
    ...HEIMDALL_VARS(base, 'azure/gpt-4o'),
  });
  assert.deepEqual(o.opencodeConfig, {
    $schema: 'https://opencode.ai/config.json',
    provider: { heimdall: { npm: '@ai-sdk/openai-compatible', name: 'Heimdall', options: { baseURL: `${base}/v1`, apiKey: '{env:OPENAI_API_KEY}' }, models: { 'azure/gpt-4o': { name: 'azure/gpt-4o' } } } },
    model: 'heimdall/azure/gpt-4o',
  });
  assert.doesNotMatch(fs.readFileSync(cfgPath, 'utf8'), /bf-ci-key/, 'the generated config holds no key');
  assert.equal(fs.statSync(cfgPath).mode & 0o777, 0o600);

  // The last choices are remembered: a bare --no-tui relaunches opencode on the same model.
  r = await run(['--no-tui'], key);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(record(rec, 'opencode', 1).opencodeConfig.model, 'heimdall/azure/gpt-4o');
});

test('the agent\'s exit code is returned; a missing agent is a clear error', async () => {
  const { run } = setup(['claude']);
  let r = await run(['--no-tui', '--no-mcp', '--base-url', gw.url, '--harness', 'claude', '--model', 'm'], { STANDIN_EXIT_CODE: '7' });
  assert.equal(r.code, 7, r.stderr);
  r = await run(['--no-tui', '--base-url', gw.url, '--harness', 'codex', '--model', 'm']);
  assert.equal(r.code, 127);
  assert.match(r.stderr, /codex: not found on PATH/);
});

test('SIGTERM to heimdall launch reaches the agent, whose exit code is returned', async () => {
  const { rec, env } = setup(['gemini']);
  const proc = spawn(heimdallBin(), ['launch', '--no-tui', '--base-url', gw.url, '--harness', 'gemini', '--model', 'm'],
    { env: { ...env, STANDIN_WAIT: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  try {
    const started = path.join(rec, 'events.jsonl');
    const deadline = Date.now() + 10_000;
    while (!(fs.existsSync(started) && fs.readFileSync(started, 'utf8').includes('"start"'))) {
      if (Date.now() > deadline) throw new Error('the agent did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    proc.kill('SIGTERM');
    assert.deepEqual(await exited, { code: 143, signal: null });
    assert.match(fs.readFileSync(started, 'utf8'), /"signal":"SIGTERM"/);
  } finally {
    proc.kill('SIGKILL');
  }
});

test('MCP wiring is idempotent and follows a key change', async () => {
  const { rec, run } = setup(['claude']);
  const args = ['--no-tui', '--base-url', gw.url, '--harness', 'claude', '--model', 'm'];
  await run(args, { HEIMDALL_VK: 'bf-one' });
  await run(args, { HEIMDALL_VK: 'bf-one' });
  let r = await run(args, { HEIMDALL_VK: 'bf-two' });
  assert.match(r.stderr, /MCP server "heimdall" attached/);
  r = await run([...args, '--no-mcp'], { HEIMDALL_VK: 'bf-three' });
  assert.doesNotMatch(r.stderr, /MCP/);
  const calls = fs.readFileSync(path.join(rec, 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).args);
  assert.deepEqual(calls, [
    ['mcp', 'get', 'heimdall'],
    ['mcp', 'add', '--transport', 'http', '-s', 'user', 'heimdall', `${gw.url}/mcp`, '--header', 'Authorization: Bearer bf-one'],
    ['mcp', 'get', 'heimdall'],
    ['mcp', 'get', 'heimdall'],
    ['mcp', 'remove', 'heimdall', '-s', 'user'],
    ['mcp', 'add', '--transport', 'http', '-s', 'user', 'heimdall', `${gw.url}/mcp`, '--header', 'Authorization: Bearer bf-two'],
  ]);
});

test('--print-env prints shell exports that a script can eval', async () => {
  const { run } = setup([]);
  const r = await run(['--print-env', '--base-url', 'http://gw.example:8080', '--harness', 'claude', '--model', "it's/model"], { HEIMDALL_VK: 'bf-x' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, [
    "export ANTHROPIC_BASE_URL='http://gw.example:8080/anthropic'",
    "export ANTHROPIC_AUTH_TOKEN='bf-x'",
    "export ANTHROPIC_DEFAULT_SONNET_MODEL='it'\\''s/model'",
    "export ANTHROPIC_DEFAULT_OPUS_MODEL='it'\\''s/model'",
    "export ANTHROPIC_DEFAULT_HAIKU_MODEL='it'\\''s/model'",
    "export HEIMDALL_BASE_URL='http://gw.example:8080'",
    "export HEIMDALL_MODEL='it'\\''s/model'",
    "export HEIMDALL_SESSION='1'",
    "# command: 'claude' '--model' 'it'\\''s/model'",
    '',
  ].join('\n'));
  const evaluated = execFileSync('sh', ['-c', 'eval "$(cat)"; printf %s "$ANTHROPIC_DEFAULT_SONNET_MODEL|$ANTHROPIC_AUTH_TOKEN"'], { input: r.stdout, encoding: 'utf8' });
  assert.equal(evaluated, "it's/model|bf-x");
  // Without a key the agents still get a token (they refuse to start without one).
  const r2 = await run(['--print-env', '--harness', 'codex', '--model', 'azure/gpt-4o']);
  assert.match(r2.stdout, /^export OPENAI_BASE_URL='http:\/\/localhost:8080\/v1'$/m);
  assert.match(r2.stdout, /^export OPENAI_API_KEY='heimdall-no-key'$/m);
});

test('--write-settings merges the env block into settings.json and keeps the user\'s other settings', async () => {
  const { home, run } = setup([]);
  const file = path.join(home, '.claude/settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({
    permissions: { allow: ['Bash(npm test)'] },
    env: { MY_VAR: 'kept', ANTHROPIC_MODEL: 'old-model', ANTHROPIC_BASE_URL: 'http://old' },
    statusLine: { type: 'command', command: 'echo hi' },
  }), { mode: 0o644 });
  const r = await run(['--write-settings', '--base-url', gw.url, '--harness', 'claude', '--model', 'azure/claude-sonnet-4-6'], { HEIMDALL_VK: 'bf-settings' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /wrote the gateway's env block to .*\.claude\/settings\.json/);
  const text = fs.readFileSync(file, 'utf8');
  assert.deepEqual(JSON.parse(text), {
    permissions: { allow: ['Bash(npm test)'] },
    env: {
      MY_VAR: 'kept',
      ANTHROPIC_BASE_URL: `${gw.url}/anthropic`,
      ANTHROPIC_AUTH_TOKEN: 'bf-settings',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'azure/claude-sonnet-4-6',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'azure/claude-sonnet-4-6',
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'azure/claude-sonnet-4-6',
    },
    statusLine: { type: 'command', command: 'echo hi' },
  });
  assert.match(text, /^{\n {2}"permissions": {\n/, 'pretty-printed');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['settings.json'], 'no temp file left behind');

  // Project scope: ./.claude/settings.json, created when absent.
  const proj = tmpDir('heimdall-launch-proj-');
  const r2 = await run(['--write-settings', '--settings-scope', 'project', '--harness', 'claude', '--model', 'm'], {}, { cwd: proj });
  assert.equal(r2.code, 0, r2.stderr);
  const p = JSON.parse(fs.readFileSync(path.join(proj, '.claude/settings.json'), 'utf8'));
  assert.deepEqual(Object.keys(p.env), ['ANTHROPIC_BASE_URL', 'ANTHROPIC_DEFAULT_HAIKU_MODEL', 'ANTHROPIC_DEFAULT_SONNET_MODEL', 'ANTHROPIC_DEFAULT_OPUS_MODEL']);

  // A broken file is reported and left alone.
  fs.writeFileSync(file, '{"env": [1, 2]}');
  const r3 = await run(['--write-settings', '--harness', 'claude', '--model', 'm']);
  assert.equal(r3.code, 1);
  assert.match(r3.stderr, /^heimdall: error: .*\.claude\/settings\.json: env: expected an object; left unchanged\n$/);
  assert.equal(fs.readFileSync(file, 'utf8'), '{"env": [1, 2]}');
});

test('bad flags and a missing gateway are one-line errors', async () => {
  const { run } = setup(['claude']);
  let r = await run(['--no-tui', '--harness', 'vim', '--model', 'm']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^heimdall: error: --harness: unknown harness "vim" \(expected claude, codex, gemini or opencode\)\n$/);
  r = await run(['--no-tui', '--base-url', 'localhost:8080', '--harness', 'claude', '--model', 'm']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--base-url: "localhost:8080" must start with http:\/\/ or https:\/\//);
  r = await run(['--no-tui', '--harness', 'claude']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--model is required without the terminal UI/);
  r = await run(['--no-tui', '--base-url', 'http://127.0.0.1:1', '--harness', 'claude', '--model', 'm'], { HEIMDALL_VK: 'bf-secret-value' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^heimdall: error: Cannot reach the gateway at http:\/\/127\.0\.0\.1:1: .*\n$/);
  assert.doesNotMatch(r.stderr, /bf-secret-value/);
  r = await run([]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /heimdall launch needs a terminal; in scripts use --no-tui with --harness and --model/);
  r = await run(['--settings-scope', 'global', '--write-settings']);
  assert.equal(r.code, 2);
  // A cli.json of the wrong shape names the field.
  const { home, run: run2 } = setup([]);
  fs.mkdirSync(path.join(home, '.config/heimdall'), { recursive: true });
  fs.writeFileSync(path.join(home, '.config/heimdall/cli.json'), '{"model": 5}');
  r = await run2(['--print-env']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cli\.json: model: expected a string/);
});
