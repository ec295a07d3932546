// `heimdall launch`, the interactive flow, driven in a real terminal (tmux send-keys / capture-pane)
// against a running Heimdall and the fake upstream: Claude Code itself launched through the UI completes a
// `-p` task through the gateway; a recording stand-in agent on PATH shows the summary loop (relaunch,
// m/h/v/u), the npm install offer, the error messages, and the keyring round trip under dbus-run-session
// with gnome-keyring-daemon.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startGateway, startFakeUpstream, cleanup, tmpDir, heimdallBin } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';
import { claudeCodeBin } from './lib/clients.mjs';
import { startTerminal } from './lib/tmux.mjs';

const STANDIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'lib/standin/agent.mjs');
const NODE_DIR = path.dirname(process.execPath);
const terms = [];
let up;
let gw;

before(async () => {
  up = await startFakeUpstream();
  gw = await startGateway({ config: azureAndAnthropic(up.url), env: azureEnv(up.url) });
});
after(async () => {
  for (const t of terms) t.stop();
  await cleanup();
});

function term(argv, env, opts = {}) {
  const t = startTerminal(argv, { env, ...opts });
  terms.push(t);
  return t;
}

/** A bin dir holding stand-ins for `names` (and nothing else from the agents). */
function standinBin(names) {
  const bin = tmpDir('heimdall-launch-bin-');
  for (const n of names) fs.symlinkSync(STANDIN, path.join(bin, n));
  return bin;
}

function baseEnv(home, bin, extra = {}) {
  return {
    PATH: `${bin}:${NODE_DIR}:/usr/local/bin:/usr/bin:/bin`,
    HOME: home,
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    ...extra,
  };
}

function records(dir, name) {
  return fs.readdirSync(dir).filter((f) => f.startsWith(`${name}-`)).sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
}

test('Claude Code launched from the terminal UI completes a -p task through the gateway', { timeout: 180_000 }, async (t) => {
  const claude = claudeCodeBin();
  assert.ok(claude, 'Claude Code is installed in tests/clients (run scripts/install-deps.sh --test)');
  await up.reset();
  await up.script([{ content: [{ type: 'text', text: 'Launched through Heimdall, all good.' }] }]);
  const home = tmpDir('heimdall-launch-home-');
  const work = tmpDir('heimdall-launch-work-');
  const bin = tmpDir('heimdall-launch-bin-');
  fs.symlinkSync(claude, path.join(bin, 'claude'));
  const env = baseEnv(home, bin, {
    CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_BUG_COMMAND: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
  });
  const tt = term([heimdallBin(), 'launch', '--base-url', gw.url, '--', '-p', 'Say hello through the gateway'], env, { cwd: work });

  await tt.waitScreen(/Gateway base URL:\n> http:\/\/127\.0\.0\.1:\d+/);
  tt.send('Enter');
  await tt.waitScreen(/Virtual key:/);
  tt.type('bf-launch-test-key');
  await tt.waitScreen(/> \*{18}\s*$/m);
  tt.send('Enter');
  const harnessScreen = await tt.waitScreen(/Coding agent to launch:/, 20_000);
  assert.match(harnessScreen, /> Claude Code\s+installed 2\.1\.331/);
  assert.match(harnessScreen, /Codex CLI\s+not installed \(Enter: install with npm install -g @openai\/codex\)/);
  tt.send('Enter');
  await tt.waitScreen(/Filter:/);
  tt.type('sonnet-4');
  await tt.waitScreen(/Filter: sonnet-4\n> azure\/claude-sonnet-4-6\n {2}Use "sonnet-4" as typed/);
  tt.send('Enter');
  await tt.waitScreen(/Heimdall launch - ready[\s\S]*Model: {4}azure\/claude-sonnet-4-6/);
  tt.send('Enter');
  const back = await tt.waitScreen(/Claude Code exited with code \d+/, 150_000);
  t.diagnostic(back);
  assert.match(back, /Claude Code exited with code 0 \(session 1\)\./);
  assert.match(back, /MCP server "heimdall" attached \(http:\/\/127\.0\.0\.1:\d+\/mcp\)/);
  tt.send('q');
  assert.equal((await tt.waitExit()).status, 0);
  // The agent ran on the normal screen, which keeps its output after the UI is gone.
  assert.match(tt.screen(), /Launched through Heimdall, all good\./);

  const seen = (await up.requests()).filter((q) => q.path === '/anthropic/v1/messages');
  assert.equal(seen.length, 1);
  assert.equal(seen[0].body.model, 'my-claude-sonnet-deployment');
  assert.match(JSON.stringify(seen[0].body.messages), /Say hello through the gateway/);

  // Claude Code itself now lists the gateway's MCP endpoint with the key.
  const got = execFileSync(claude, ['mcp', 'get', 'heimdall'], { env, cwd: work, encoding: 'utf8' });
  assert.match(got, new RegExp(`URL: ${gw.url}/mcp`));
  assert.match(got, /Authorization: Bearer bf-launch-test-key/);
  // The choices (not the key) are remembered.
  const cli = JSON.parse(fs.readFileSync(path.join(home, '.config/heimdall/cli.json'), 'utf8'));
  assert.deepEqual(cli, { base_url: gw.url, harness: 'claude', model: 'azure/claude-sonnet-4-6' });
  assert.doesNotMatch(fs.readFileSync(path.join(home, '.config/heimdall/cli.json'), 'utf8'), /bf-launch-test-key/);
});

test('the summary returns after each session: Enter relaunches, m, h, v and u change the choices', { timeout: 60_000 }, async () => {
  const home = tmpDir('heimdall-launch-home-');
  const rec = tmpDir('heimdall-launch-rec-');
  const bin = standinBin(['claude', 'gemini']);
  const env = baseEnv(home, bin, { STANDIN_RECORD_DIR: rec });
  const project = tmpDir('heimdall-launch-project-');
  fs.mkdirSync(path.join(project, '.claude'));
  fs.writeFileSync(path.join(project, '.claude/settings.json'), '{"permissions":{"deny":["Read(.env)"]}}');
  const tt = term([heimdallBin(), 'launch'], env, { cwd: project });

  await tt.waitScreen(/> http:\/\/localhost:8080/);
  tt.send('C-u');
  tt.type(gw.url);
  tt.send('Enter');
  const keyScreen = await tt.waitScreen(/Virtual key:/);
  // No session bus here: the UI says the key cannot be kept and offers HEIMDALL_VK.
  assert.match(keyScreen, /No OS keyring available \(no D-Bus session bus/);
  assert.match(keyScreen, /set HEIMDALL_VK to avoid typing it/);
  tt.send('Enter');
  await tt.waitScreen(/> Claude Code\s+installed 9\.9\.6/);
  tt.send('Enter');
  await tt.waitScreen(/Filter:/);
  tt.type('haiku');
  tt.send('Enter');
  await tt.waitScreen(/Model: {4}azure\/claude-haiku-4-5/);
  tt.send('Enter');
  await tt.waitScreen(/Claude Code exited with code 0 \(session 1\)\./);
  tt.send('Enter'); // relaunch with the same choices
  await tt.waitScreen(/Claude Code exited with code 0 \(session 2\)\./);

  tt.send('m');
  await tt.waitScreen(/Filter:/);
  tt.type('prod');
  tt.send('Enter');
  await tt.waitScreen(/Model: {4}azure\/prod-sonnet/);
  tt.send('Enter');
  await tt.waitScreen(/Claude Code exited with code 0 \(session 3\)\./);

  tt.send('h');
  await tt.waitScreen(/Coding agent to launch:/);
  tt.send('Down', 'Down', 'Enter');
  await tt.waitScreen(/Harness: {2}Gemini CLI/);
  tt.send('Enter');
  await tt.waitScreen(/Gemini CLI exited with code 0 \(session 4\)\./);

  tt.send('v');
  await tt.waitScreen(/Virtual key:/);
  tt.type('bf-second-key');
  tt.send('Enter');
  await tt.waitScreen(/Key: {6}\*\*\*\*-key/);
  tt.send('Enter');
  await tt.waitScreen(/Gemini CLI exited with code 0 \(session 5\)\./);

  tt.send('u');
  await tt.waitScreen(/Gateway base URL:/);
  tt.send('C-u');
  tt.type('http://127.0.0.1:1');
  tt.send('Enter');
  await tt.waitScreen(/Gateway unreachable\. Cannot reach the gateway at http:\/\/127\.0\.0\.1:1: .*refused/);
  tt.send('C-u');
  tt.type(`${gw.url}/`);
  tt.send('Enter');
  await tt.waitScreen(/Heimdall launch - ready/);
  // s: the env block into the project's .claude/settings.json, merged with what is there.
  tt.send('s');
  await tt.waitScreen(/Write the gateway's env block into Claude Code's settings\.json:/);
  tt.send('Down', 'Enter');
  await tt.waitScreen(/Wrote the env block to \.claude\/settings\.json/);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(project, '.claude/settings.json'), 'utf8')), {
    permissions: { deny: ['Read(.env)'] },
    env: {
      ANTHROPIC_BASE_URL: `${gw.url}/anthropic`,
      ANTHROPIC_AUTH_TOKEN: 'bf-second-key',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'azure/prod-sonnet',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'azure/prod-sonnet',
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'azure/prod-sonnet',
    },
  });
  tt.send('q');
  assert.equal((await tt.waitExit()).status, 0);

  const claude = records(rec, 'claude');
  assert.deepEqual(claude.map((r) => r.args), [
    ['--model', 'azure/claude-haiku-4-5'], ['--model', 'azure/claude-haiku-4-5'], ['--model', 'azure/prod-sonnet']]);
  assert.ok(claude.every((r) => r.tty), 'the agent owns the terminal');
  assert.equal(claude[0].env.ANTHROPIC_AUTH_TOKEN, 'heimdall-no-key');
  const gemini = records(rec, 'gemini');
  assert.deepEqual(gemini[0].args, ['--model', 'azure/prod-sonnet']);
  assert.equal(gemini[0].env.GOOGLE_GEMINI_BASE_URL, `${gw.url}/genai`);
  assert.equal(gemini[0].env.GEMINI_API_KEY, 'heimdall-no-key');
  assert.equal(gemini[1].env.GEMINI_API_KEY, 'bf-second-key');
  // MCP was attached once, then found in place on the relaunches (idempotent).
  const calls = fs.readFileSync(path.join(rec, 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(calls.filter((c) => c.args[1] === 'add').length, 1);
  assert.equal(calls.filter((c) => c.args[1] === 'get').length, 3);
});

function events(dir) {
  const f = path.join(dir, 'events.jsonl');
  // Only complete lines: the agent may be between creating the file and writing its line.
  if (!fs.existsSync(f)) return [];
  return fs.readFileSync(f, 'utf8').split('\n').slice(0, -1).map((l) => JSON.parse(l));
}

async function waitEvents(dir, pred, what) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const e = events(dir).find(pred);
    if (e) return e;
    if (Date.now() > deadline) throw new Error(`no ${what} event: ${JSON.stringify(events(dir))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('the agent owns the terminal: its size, resizes and Ctrl-C reach it, and the UI comes back', { timeout: 30_000 }, async () => {
  const home = tmpDir('heimdall-launch-home-');
  const rec = tmpDir('heimdall-launch-rec-');
  const env = baseEnv(home, standinBin(['codex']), { STANDIN_RECORD_DIR: rec, STANDIN_WAIT: '1' });
  const tt = term([heimdallBin(), 'launch', '--base-url', gw.url, '--harness', 'codex', '--model', 'azure/gpt-4o'], env, { cols: 120, rows: 40 });
  await tt.waitScreen(/Gateway base URL:/);
  tt.send('Enter');
  await tt.waitScreen(/Virtual key:/);
  tt.send('Enter');
  await tt.waitScreen(/> Codex CLI\s+installed 9\.9\.5/);
  tt.send('Enter');
  await tt.waitScreen(/> azure\/gpt-4o/);
  tt.send('Enter');
  await tt.waitScreen(/Heimdall launch - ready/);
  tt.send('Enter');
  assert.deepEqual(await waitEvents(rec, (e) => e.type === 'start', 'start'), { type: 'start', columns: 120, rows: 40 });
  execFileSync('tmux', ['-S', tt.sock, 'resize-window', '-t', '0', '-x', '100', '-y', '30']);
  assert.deepEqual(await waitEvents(rec, (e) => e.type === 'resize', 'resize'), { type: 'resize', columns: 100, rows: 30 });
  tt.send('C-c'); // the agent's, not Heimdall's
  await waitEvents(rec, (e) => e.type === 'signal', 'signal');
  await tt.waitScreen(/Codex CLI exited with code 130 \(session 1\)\./);
  tt.send('q');
  assert.equal((await tt.waitExit()).status, 0);
  assert.deepEqual(events(rec).map((e) => e.type), ['start', 'resize', 'signal']);
});

test('a harness missing from PATH is offered for install with npm (declined here)', { timeout: 30_000 }, async () => {
  const home = tmpDir('heimdall-launch-home-');
  const rec = tmpDir('heimdall-launch-rec-');
  const bin = standinBin(['claude']);
  fs.symlinkSync(path.join(NODE_DIR, 'npm'), path.join(bin, 'npm'));
  const tt = term([heimdallBin(), 'launch', '--base-url', gw.url], baseEnv(home, bin, { STANDIN_RECORD_DIR: rec }));
  await tt.waitScreen(/Gateway base URL:/);
  tt.send('Enter');
  await tt.waitScreen(/Virtual key:/);
  tt.send('Enter');
  const s = await tt.waitScreen(/Coding agent to launch:/);
  assert.match(s, /Opencode\s+not installed \(Enter: install with npm install -g opencode-ai\)/);
  tt.send('Down');
  tt.send('Enter');
  await tt.waitScreen(/Codex CLI is not installed\. Install it now with `npm install -g @openai\/codex`\? \[y\/N\]/);
  tt.send('n');
  await tt.waitScreen(/Coding agent to launch:/);
  tt.send('C-c');
  assert.equal((await tt.waitExit()).status, 0);
});

test('clear messages: key rejected (401 from the gateway) and an empty model list', { timeout: 30_000 }, async () => {
  // A gateway with one virtual key and a provider whose keys list no model names: an unknown key gets
  // 401 from /v1/models, the known one an empty list.
  const GOOD = 'bf-good-0123456789abcdefghijklmnopqrst';
  const vkGateway = await startGateway({
    config: {
      providers: { anthropic: { keys: [{ name: 'a', value: 'sk-ant-fake', models: ['*'] }], network_config: { base_url: 'http://127.0.0.1:9' } } },
      governance: { virtual_keys: [{ id: 'good', name: 'good', value: GOOD, allowed_providers: ['anthropic'] }] },
    },
  });
  try {
    const url = vkGateway.url;
    const home = tmpDir('heimdall-launch-home-');
    const tt = term([heimdallBin(), 'launch', '--base-url', url, '--harness', 'claude'], baseEnv(home, standinBin(['claude'])));
    await tt.waitScreen(/Gateway base URL:/);
    tt.send('Enter');
    await tt.waitScreen(/Virtual key:/);
    tt.type('bf-bad');
    tt.send('Enter');
    const s = await tt.waitScreen(/Key rejected\. The gateway rejected the virtual key \(HTTP 401\)\./);
    assert.doesNotMatch(s, /bf-bad/, 'the key is never shown');
    tt.type(GOOD);
    tt.send('Enter');
    await tt.waitScreen(/Coding agent to launch:/);
    tt.send('Enter');
    const m = await tt.waitScreen(/The gateway lists no models for this key/);
    assert.match(m, /\(the list is empty\)/);
    tt.type('azure/my-own-model');
    await tt.waitScreen(/> Use "azure\/my-own-model" as typed/);
    tt.send('Enter');
    await tt.waitScreen(/Model: {4}azure\/my-own-model/);
    tt.send('q');
    assert.equal((await tt.waitExit()).status, 0);
  } finally {
    await vkGateway.stop();
  }
});

test('the virtual key round-trips through the OS keyring (Secret Service) and never lands on disk', { timeout: 60_000 }, async (t) => {
  for (const tool of ['dbus-run-session', 'gnome-keyring-daemon']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`]);
    } catch {
      assert.fail(`${tool} is missing (scripts/install-deps.sh --test installs dbus and gnome-keyring)`);
    }
  }
  const home = tmpDir('heimdall-launch-home-');
  const rec = tmpDir('heimdall-launch-rec-');
  const bin = standinBin(['claude']);
  const out = path.join(rec, 'print-env.txt');
  const hd = heimdallBin();
  // One D-Bus session: an unlocked gnome-keyring (secrets only), the UI (types the key), a scripted run
  // that must find the key in the keyring, a second UI that offers the stored key and removes it ("-"),
  // and a scripted run that no longer finds it.
  const script = [
    'printf test-password | gnome-keyring-daemon --foreground --unlock --components=secrets >"$HOME/gkd.log" 2>&1 &',
    'gkd=$!',
    'trap \'kill $gkd 2>/dev/null\' EXIT',
    // Wait (bounded) until it owns org.freedesktop.secrets; asking earlier would make D-Bus activate a
    // second, locked daemon.
    'owned() { dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; }',
    'i=0; until owned || [ $i -ge 200 ]; do i=$((i+1)); sleep 0.05; done',
    `"${hd}" launch --base-url "${gw.url}"`,
    `"${hd}" launch --print-env --harness claude --model azure/claude-sonnet-4-6 --base-url "${gw.url}" >"${out}"`,
    `"${hd}" launch --base-url "${gw.url}"`,
    `"${hd}" launch --print-env --harness claude --model m --base-url "${gw.url}" >"${out}.after"`,
  ].join('\n');
  fs.writeFileSync(path.join(rec, 'session.sh'), script);
  const tt = term(['dbus-run-session', '--', 'sh', path.join(rec, 'session.sh')], baseEnv(home, bin, { STANDIN_RECORD_DIR: rec }));
  await tt.waitScreen(/Gateway base URL:/, 15_000);
  tt.send('Enter');
  const keyScreen = await tt.waitScreen(/Virtual key:/);
  assert.match(keyScreen, /kept in the OS keyring \(Secret Service\), never on disk/);
  tt.type('bf-keyring-secret-1234');
  tt.send('Enter');
  await tt.waitScreen(/Coding agent to launch:/);
  tt.send('Enter');
  await tt.waitScreen(/Filter:/);
  tt.send('Enter');
  const summary = await tt.waitScreen(/Heimdall launch - ready/);
  assert.match(summary, /Key: {6}\*\*\*\*1234 \(from the OS keyring\)/);
  tt.send('q');
  // The scripted run found the key in the keyring, then the second UI offers it.
  await tt.waitScreen(/Gateway base URL:/);
  tt.send('Enter');
  const again = await tt.waitScreen(/Virtual key:/);
  assert.match(again, /A key for this gateway is in the OS keyring: Enter keeps it, - removes it\./);
  tt.type('-');
  tt.send('Enter');
  await tt.waitScreen(/Coding agent to launch:[\s\S]*/);
  assert.match(tt.screen(), /Key: {6}none/);
  tt.send('C-c');
  const exit = await tt.waitExit(15_000);
  t.diagnostic(tt.screen());
  assert.equal(exit.status, 0);
  assert.match(fs.readFileSync(out, 'utf8'), /^export ANTHROPIC_AUTH_TOKEN='bf-keyring-secret-1234'$/m);
  // After "-" the keyring no longer has it.
  assert.match(fs.readFileSync(`${out}.after`, 'utf8'), /^export ANTHROPIC_AUTH_TOKEN='heimdall-no-key'$/m);
  // Nothing under HOME holds the key in clear (the keyring file is encrypted).
  const files = execFileSync('find', [home, '-type', 'f'], { encoding: 'utf8' }).trim().split('\n');
  assert.ok(files.some((f) => f.endsWith('/.config/heimdall/cli.json')));
  for (const f of files) assert.ok(!fs.readFileSync(f).includes('bf-keyring-secret-1234'), `${f} holds the key`);
});
