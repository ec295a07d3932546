// A private Redis server for tests, from Debian's redis-server package: loopback only, on an ephemeral
// port, data in a temp dir, no unix socket, no RDB snapshots; stopped at cleanup(). With {appendonly: true}
// it writes an append-only file fsynced on every write, so restart() (even after SIGKILL) keeps the data.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpDir, onCleanup, waitFor, freePort } from './harness.mjs';

const run = promisify(execFile);

function findBinary(name) {
  const dirs = ['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':').filter(Boolean)];
  for (const d of dirs) {
    const p = path.join(d, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

export function haveRedis() {
  return findBinary('redis-server') !== null;
}

// A command in RESP (binary-safe, unlike inline commands).
function resp(args) {
  return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');
}

// Sends one command and resolves to the first reply line (e.g. "+PONG"), or null on any failure.
function inlineCommand(port, line, password) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (v) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(1000, () => done(null));
    sock.on('error', () => done(null));
    sock.on('connect', () => sock.write((password ? resp(['AUTH', password]) : '') + resp([line])));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      const lines = buf.split('\r\n');
      const need = password ? 2 : 1;
      if (lines.length > need) done(lines[need - 1]);
    });
  });
}

/**
 * Starts redis-server; resolves to {url, port, host, password, cli(...args), restart({kill}), stop()}.
 * `url` is redis://[:password@]127.0.0.1:<port>/0.
 */
export async function startRedis({ appendonly = false, password = '' } = {}) {
  const bin = findBinary('redis-server');
  if (!bin) throw new Error('redis-server is not installed (scripts/install-deps.sh --test installs it)');
  const dir = tmpDir('heimdall-redis-');
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--unixsocket', '', '--save', '', '--dir', dir,
    '--daemonize', 'no', '--logfile', path.join(dir, 'redis.log'), '--appendonly', appendonly ? 'yes' : 'no'];
  if (appendonly) args.push('--appendfsync', 'always');
  if (password) args.push('--requirepass', password);

  let proc = null;
  const killSync = () => {
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      try {
        proc.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.on('exit', killSync); // a crashed test run must not leave the server behind

  const launch = async () => {
    proc = spawn(bin, args, { stdio: 'ignore' });
    const exited = new Promise((res) => proc.once('exit', res));
    proc.exited = exited;
    await waitFor(async () => (await inlineCommand(port, 'PING', password)) === '+PONG', {
      timeoutMs: 10000,
      message: () => `redis-server did not answer on port ${port}: ${readLog(dir)}`,
    });
  };
  const halt = async (signal) => {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const p = proc;
    p.kill(signal);
    await Promise.race([p.exited, new Promise((res) => setTimeout(res, 5000).unref())]);
    if (p.exitCode === null && p.signalCode === null) {
      p.kill('SIGKILL');
      await p.exited;
    }
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await halt('SIGKILL');
    process.off('exit', killSync);
  };
  onCleanup(stop);
  await launch();

  const cliBin = findBinary('redis-cli');
  return {
    host: '127.0.0.1',
    port,
    password,
    url: `redis://${password ? `:${encodeURIComponent(password)}@` : ''}127.0.0.1:${port}/0`,
    /** Runs redis-cli against this server; resolves to its trimmed stdout. */
    cli: async (...cmd) => {
      if (!cliBin) throw new Error('redis-cli is not installed (Debian package redis-tools)');
      const env = { ...process.env, ...(password ? { REDISCLI_AUTH: password } : {}) };
      const r = await run(cliBin, ['-h', '127.0.0.1', '-p', String(port), ...cmd], { env });
      return r.stdout.trim();
    },
    /** Restarts on the same port and data dir; {kill: true} uses SIGKILL (no clean shutdown). */
    restart: async ({ kill = false } = {}) => {
      await halt(kill ? 'SIGKILL' : 'SIGTERM');
      await launch();
    },
    /** Stops the server (cleanup() also does); `down()` then `up()` simulate an outage. */
    down: async () => halt('SIGKILL'),
    up: async () => launch(),
    stop,
  };
}

function readLog(dir) {
  try {
    return fs.readFileSync(path.join(dir, 'redis.log'), 'utf8').split('\n').slice(-5).join(' | ');
  } catch {
    return '(no log)';
  }
}
