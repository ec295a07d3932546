// Test harness for Heimdall integration tests (node:test). No npm dependencies.
//
//   import { startFakeUpstream, startGateway, cleanup } from './lib/harness.mjs';
//   after(cleanup);   // stops every process this module started (an exit handler is the fallback)
//
// Every wait is bounded; nothing sleeps blindly.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../../..');
export const FAKE_UPSTREAM_SCRIPT = path.join(REPO_ROOT, 'tests/fake-upstream/server.mjs');

export function heimdallBin() {
  return process.env.HEIMDALL_BIN || path.join(REPO_ROOT, 'build/heimdall');
}

// ---- process bookkeeping ----

// Children run in their own process group (detached) so a signal reaches anything they spawn.
function signalProc(proc, sig) {
  try {
    process.kill(-proc.pid, sig);
  } catch {
    try {
      proc.kill(sig);
    } catch {
      // already gone
    }
  }
}

/** Kills the child and closes our ends of its pipes (a grandchild may still hold them). */
function abandon(proc) {
  signalProc(proc, 'SIGKILL');
  proc.stdin?.destroy();
  proc.stdout?.destroy();
  proc.stderr?.destroy();
}

const live = new Set(); // {proc, stop}
const tmpDirs = [];

function killAllSync() {
  for (const entry of live) signalProc(entry.proc, 'SIGKILL');
  live.clear();
  for (const d of tmpDirs.splice(0)) {
    try {
      fs.rmSync(d, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
}

process.on('exit', killAllSync);
for (const [sig, num] of [['SIGINT', 2], ['SIGTERM', 15]]) {
  process.once(sig, () => {
    killAllSync();
    process.exit(128 + num);
  });
}

/** Stops every process started through this module (use as `after(cleanup)`). */
/** A free loopback port for a service that cannot bind port 0 itself (it may be taken again before use). */
export async function freePort() {
  const srv = net.createServer();
  await new Promise((res) => srv.listen(0, '127.0.0.1', res));
  const { port } = srv.address();
  await new Promise((res) => srv.close(res));
  return port;
}

/** Registers `stop` (async) to run at cleanup(), for services started outside this module. */
export function onCleanup(stop) {
  const entry = { stop: async () => { live.delete(entry); await stop(); } };
  live.add(entry);
  return entry;
}

export async function cleanup() {
  const results = await Promise.allSettled([...live].map((e) => e.stop()));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

const SANITIZER_REPORT = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error: /;

/** A fresh temp dir, removed when the process exits. */
export function tmpDir(prefix = 'heimdall-test-') {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
}

function unrefProc(proc) {
  proc.unref();
  proc.stdout?.unref?.();
  proc.stderr?.unref?.();
}

function refProc(proc) {
  proc.ref();
  proc.stdout?.ref?.();
  proc.stderr?.ref?.();
}

/**
 * Tracks a child's exit. Returns a thenable that re-refs the child when awaited, so awaiting it
 * keeps the event loop alive even though the child is unref'd once started.
 */
function trackExit(proc) {
  const p = new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve({ code: proc.exitCode, signal: proc.signalCode });
    else proc.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    then(onOk, onErr) {
      refProc(proc);
      return p.then(onOk, onErr);
    },
    catch(onErr) {
      return this.then(undefined, onErr);
    },
    get done() {
      return proc.exitCode !== null || proc.signalCode !== null;
    },
  };
}

async function stopProc(proc, exited, signal, graceMs) {
  if (!exited.done) {
    refProc(proc);
    signalProc(proc, signal);
    let timer;
    const killer = new Promise((resolve) => {
      timer = setTimeout(() => {
        signalProc(proc, 'SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([exited, killer]);
    clearTimeout(timer);
  }
  return (await exited).code;
}

/** Resolves with the regex match once `getText()` matches; rejects on exit/timeout. */
function waitForOutput({ proc, streams, regex, timeoutMs, label, getText }) {
  return new Promise((resolve, reject) => {
    let timer;
    const cleanupListeners = () => {
      clearTimeout(timer);
      for (const s of streams) s.off('data', onData);
      proc.off('exit', onExit);
      proc.off('error', onError);
    };
    const check = () => {
      const m = regex.exec(getText());
      if (m) {
        cleanupListeners();
        resolve(m);
        return true;
      }
      return false;
    };
    const onData = () => check();
    const onExit = (code, signal) => {
      setImmediate(() => { // let pending output land first
        if (check()) return;
        cleanupListeners();
        abandon(proc);
        reject(new Error(`${label} exited early (code=${code}, signal=${signal}) before ready.\n--- output ---\n${getText()}`));
      });
    };
    const onError = (err) => {
      cleanupListeners();
      abandon(proc);
      reject(new Error(`${label} failed to start: ${err.message}`));
    };
    timer = setTimeout(() => {
      cleanupListeners();
      abandon(proc);
      reject(new Error(`${label} not ready within ${timeoutMs} ms.\n--- output ---\n${getText()}`));
    }, timeoutMs);
    for (const s of streams) s.on('data', onData);
    proc.on('exit', onExit);
    proc.on('error', onError);
    check();
  });
}

// ---- HTTP helpers ----

/** fetch wrapper: returns {status, headers (plain object), text, json (or undefined)}. */
export async function request(url, { method = 'GET', headers = {}, body, signal } = {}) {
  const init = { method, headers: { ...headers }, signal };
  if (body !== undefined) {
    if (typeof body === 'string' || body instanceof Uint8Array) init.body = body;
    else {
      init.body = JSON.stringify(body);
      if (!Object.keys(init.headers).some((k) => k.toLowerCase() === 'content-type')) init.headers['content-type'] = 'application/json';
    }
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: Object.fromEntries(res.headers), text, json };
}

// ---- fake upstream ----

/**
 * Spawns tests/fake-upstream/server.mjs on an ephemeral port.
 * Returns {port, url, proc, script, clearScript, config, requests, waitRequests, waitAborted, reset, stop}.
 */
export async function startFakeUpstream({ args = [], env = {}, timeoutMs = 10000 } = {}) {
  const proc = spawn(process.execPath, [FAKE_UPSTREAM_SCRIPT, '--port', '0', '--host', '127.0.0.1', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
    detached: true,
  });
  const exited = trackExit(proc);
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
  proc.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
  const entry = { proc, stop: () => stopProc(proc, exited, 'SIGTERM', 5000) };
  live.add(entry);
  proc.once('exit', () => live.delete(entry));
  const m = await waitForOutput({
    proc, streams: [proc.stdout], regex: /^LISTENING (\d+)$/m, timeoutMs, label: 'fake upstream',
    getText: () => out + err,
  });
  unrefProc(proc);
  const port = Number(m[1]);
  const url = `http://127.0.0.1:${port}`;
  const tlsMatch = /^LISTENING_TLS (\d+)$/m.exec(out);
  const tlsPort = tlsMatch ? Number(tlsMatch[1]) : undefined;

  const control = async (method, p, body) => {
    const r = await request(`${url}/__control${p}`, { method, body });
    if (r.status !== 200) throw new Error(`fake upstream control ${method} ${p} -> ${r.status}: ${r.text}`);
    return r.json;
  };
  const wait = async (kind, n, timeoutMs2) => {
    const r = await request(`${url}/__control/${kind}?count=${n}&timeout_ms=${timeoutMs2}`);
    if (r.status === 200) return r.json;
    if (r.status === 408) {
      throw new Error(`fake upstream: timed out after ${timeoutMs2} ms waiting for ${n} ${kind === 'wait' ? 'requests' : 'aborted requests'} (have ${r.json.have})`);
    }
    throw new Error(`fake upstream ${kind} -> ${r.status}: ${r.text}`);
  };

  return {
    port,
    url,
    tlsPort,
    proc,
    stderr: () => err,
    /** Appends replies to the FIFO script queue. */
    script: (replies) => control('POST', '/script', { replies: Array.isArray(replies) ? replies : [replies] }),
    clearScript: () => control('DELETE', '/script'),
    /** Replaces the given config settings; returns the effective config. */
    config: (obj) => control('POST', '/config', obj),
    requests: () => control('GET', '/requests'),
    /** Fake Entra ID token service settings (tests/fake-upstream/entra.mjs); returns the effective ones. */
    entra: (obj) => control('POST', '/entra', obj),
    waitRequests: (n = 1, timeoutMs2 = 5000) => wait('wait', n, timeoutMs2),
    waitAborted: (n = 1, timeoutMs2 = 5000) => wait('wait_aborted', n, timeoutMs2),
    /** Clears recordings and the script queue, restores default config. */
    reset: () => control('DELETE', '/requests'),
    stop: entry.stop,
    exited,
  };
}

// ---- gateway ----

/**
 * Defaults for every gateway a test starts: Azure identity endpoints on a closed loopback port and the
 * machine's own Azure credentials cleared, so no test can reach a real cloud or the metadata address
 * (169.254.169.254). Tests that exercise Entra ID override these with the fake token service.
 */
export const SAFE_AZURE_ENV = Object.freeze({
  AZURE_AUTHORITY_HOST: 'http://127.0.0.1:9',
  AZURE_POD_IDENTITY_AUTHORITY_HOST: 'http://127.0.0.1:9',
  IDENTITY_ENDPOINT: '', IDENTITY_HEADER: '', AZURE_FEDERATED_TOKEN_FILE: '',
  AZURE_CLIENT_ID: '', AZURE_CLIENT_SECRET: '', AZURE_TENANT_ID: '', AZURE_CLIENT_CERTIFICATE_PATH: '',
});

/**
 * Spawns `heimdall serve` on an ephemeral port. `config` (object or string) is written to
 * <appDir>/config.json and passed with --config; without `config`, --config is not passed.
 */
export async function startGateway({ config, env = {}, args = [], appDir, timeoutMs = 15000 } = {}) {
  const bin = heimdallBin();
  if (!fs.existsSync(bin)) throw new Error(`heimdall binary not found at ${bin} (build it or set HEIMDALL_BIN)`);
  const dir = appDir ?? tmpDir('heimdall-app-');
  const configPath = path.join(dir, 'config.json');
  const argv = ['serve', '--host', '127.0.0.1', '--port', '0', '--app-dir', dir];
  if (config !== undefined) {
    fs.writeFileSync(configPath, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
    argv.push('--config', configPath);
  }
  argv.push('--log-format', 'json', ...args);
  const proc = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...SAFE_AZURE_ENV, ...env }, detached: true });
  const exited = trackExit(proc);
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
  proc.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
  // A sanitizer report (ASan/UBSan/LSan build) fails whichever test stops this gateway.
  const stop = async (signal = 'SIGTERM') => {
    const code = await stopProc(proc, exited, signal, 10000);
    if (SANITIZER_REPORT.test(err)) throw new Error(`heimdall reported a sanitizer error:\n${err.slice(-6000)}`);
    return code;
  };
  const entry = { proc, stop: () => stop('SIGTERM') };
  live.add(entry);
  proc.once('exit', () => live.delete(entry));
  const m = await waitForOutput({
    proc, streams: [proc.stderr, proc.stdout], regex: /listening on http:\/\/[^\s:]+:(\d+)/, timeoutMs,
    label: 'heimdall', getText: () => `${err}${out ? `\n--- stdout ---\n${out}` : ''}`,
  });
  unrefProc(proc);
  const port = Number(m[1]);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    proc,
    appDir: dir,
    configPath,
    stderr: () => err,
    stdout: () => out,
    /** Waits (bounded) until the collected stderr matches `regex`; returns the match. */
    waitForLog: (regex, ms = 5000) => waitFor(() => regex.exec(err), { timeoutMs: ms, message: `log ${regex} not seen.\n--- stderr ---\n${err}` }),
    stop,
    exited,
  };
}

/** Runs the binary to completion: {code, signal, stdout, stderr}. Rejects after timeoutMs. */
export function runGateway(args, { env = {}, timeoutMs = 15000, input } = {}) {
  const bin = heimdallBin();
  return new Promise((resolve, reject) => {
    const proc = spawn(bin, args, {
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env: { ...process.env, ...SAFE_AZURE_ENV, ...env }, detached: true,
    });
    const entry = { proc, stop: () => stopProc(proc, trackExit(proc), 'SIGKILL', 1000) };
    live.add(entry);
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    proc.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    if (input !== undefined) proc.stdin.end(input);
    const timer = setTimeout(() => {
      abandon(proc);
      live.delete(entry);
      reject(new Error(`heimdall ${args.join(' ')} did not finish within ${timeoutMs} ms.\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
    }, timeoutMs);
    proc.on('error', (e) => {
      clearTimeout(timer);
      live.delete(entry);
      reject(new Error(`cannot run ${bin}: ${e.message}`));
    });
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(entry);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

// ---- conditions ----

/** Polls `fn` until it returns a truthy value (returned); throws after timeoutMs. */
export async function waitFor(fn, { timeoutMs = 5000, intervalMs = 20, message } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() >= deadline) {
      throw new Error(typeof message === 'function' ? message() : message ?? `condition not met within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// ---- SSE ----

function parseSseBlock(block) {
  let event = null;
  const data = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    let value = i < 0 ? '' : line.slice(i + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (event === null && data.length === 0) return null;
  const raw = data.join('\n');
  let parsed = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // keep the string (e.g. "[DONE]")
  }
  return { event, data: parsed, raw };
}

/** Parses a whole SSE body into [{event (null when absent), data (parsed JSON when possible), raw}]. */
export function sseEvents(text) {
  const out = [];
  for (const block of text.replace(/\r\n?/g, '\n').split('\n\n')) {
    const ev = parseSseBlock(block);
    if (ev) out.push(ev);
  }
  return out;
}

/** Async iterator over SSE events of a fetch Response as they arrive. */
export async function* iterSse(response) {
  const decoder = new TextDecoder();
  let buf = '';
  let carry = '';
  for await (const chunk of response.body) {
    let text = carry + decoder.decode(chunk, { stream: true });
    carry = text.endsWith('\r') ? '\r' : ''; // a CRLF may straddle chunks
    if (carry) text = text.slice(0, -1);
    buf += text.replace(/\r\n?/g, '\n');
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const ev = parseSseBlock(buf.slice(0, i));
      buf = buf.slice(i + 2);
      if (ev) yield ev;
    }
  }
  const ev = parseSseBlock(buf + (carry ? '\n' : ''));
  if (ev) yield ev;
}
