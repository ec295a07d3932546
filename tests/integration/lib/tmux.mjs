// Drives a program in a real terminal: a private tmux server (its own socket in a temp dir), keys sent
// with send-keys, the screen read with capture-pane. Every wait is bounded; stop() kills the server.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir, waitFor } from './harness.mjs';

// Live servers: socket path -> server pid. Killed by pid too, in case the socket is already gone.
const servers = new Map();
function killServer(sock) {
  spawnSync('tmux', ['-S', sock, 'kill-server'], { stdio: 'ignore' });
  const pid = servers.get(sock);
  if (pid) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  servers.delete(sock);
}
process.on('exit', () => {
  for (const s of [...servers.keys()]) killServer(s);
});

/**
 * Starts `argv` in a detached tmux session of `cols`x`rows` with exactly the environment `env`.
 * Returns {send, type, screen, normalScreen, waitScreen, dead, waitExit, stop}.
 */
export function startTerminal(argv, { env, cwd, cols = 120, rows = 40 } = {}) {
  const dir = tmpDir('heimdall-tmux-');
  const sock = path.join(dir, 'sock');
  // tmux does not always keep a dead pane's exit status, so a wrapper shell writes it to a file.
  const statusFile = path.join(dir, 'status');
  const wrapped = ['sh', '-c', `"$@"; echo $? > '${statusFile}'`, 'sh', ...argv];
  const tmux = (...args) => execFileSync('tmux', ['-S', sock, ...args], { env, encoding: 'utf8' });
  // One invocation: start the server, keep dead panes (their last screen stays readable), then the session.
  execFileSync('tmux', ['-S', sock, '-f', '/dev/null', 'start-server', ';',
    'set-option', '-g', 'remain-on-exit', 'on', ';',
    'set-option', '-g', 'history-limit', '5000', ';',
    'new-session', '-d', '-x', String(cols), '-y', String(rows), ...(cwd ? ['-c', cwd] : []), '--', ...wrapped],
  { env, encoding: 'utf8' });
  servers.set(sock, Number(execFileSync('tmux', ['-S', sock, 'display-message', '-p', '#{pid}'], { env, encoding: 'utf8' }).trim()));
  const screen = () => tmux('capture-pane', '-p', '-t', '0');
  const term = {
    sock,
    /** tmux key names: 'Enter', 'Escape', 'Down', 'C-c', ... */
    send: (...keys) => tmux('send-keys', '-t', '0', ...keys),
    /** Literal text. */
    type: (text) => tmux('send-keys', '-t', '0', '-l', text),
    screen,
    /** The normal screen while the program shows its alternate screen. */
    normalScreen: () => {
      try {
        return tmux('capture-pane', '-p', '-a', '-t', '0');
      } catch {
        return screen();
      }
    },
    waitScreen: (regex, timeoutMs = 10000) => waitFor(() => {
      const s = screen();
      return regex.test(s) ? s : undefined;
    }, { timeoutMs, intervalMs: 50, message: () => `screen never matched ${regex}:\n${screen()}` }),
    dead: () => {
      const d = tmux('list-panes', '-t', '0', '-F', '#{pane_dead}').trim();
      if (d !== '1' || !fs.existsSync(statusFile)) return undefined;
      const text = fs.readFileSync(statusFile, 'utf8').trim();
      return /^\d+$/.test(text) ? { status: Number(text) } : undefined;
    },
    waitExit: (timeoutMs = 10000) => waitFor(() => term.dead(), { timeoutMs, intervalMs: 50, message: () => `still running:\n${screen()}\n${term.processes()}` }),
    /** The pane's processes (for failure messages). */
    processes: () => {
      try {
        const tty = tmux('display-message', '-p', '-t', '0', '#{pane_tty}').trim();
        return execFileSync('ps', ['-t', tty.replace('/dev/', ''), '-o', 'pid,ppid,pgid,tpgid,stat,wchan:24,args'], { encoding: 'utf8' });
      } catch (e) {
        return `(ps failed: ${e.message})`;
      }
    },
    stop: () => killServer(sock),
  };
  return term;
}
