// A private PostgreSQL server for tests, from Debian's postgresql package: initdb in a temp dir,
// listening on loopback only on an ephemeral port, stopped at cleanup(). Runs as the `postgres`
// user when the tests run as root (PostgreSQL refuses to run as root).
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpDir, onCleanup, waitFor, freePort } from './harness.mjs';

const run = promisify(execFile);

function pgBinDir() {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  const versions = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin/initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], 'bin') : null;
}

export function havePostgres() {
  return pgBinDir() !== null;
}

/** Starts PostgreSQL; resolves to {host, port, user, password, db, url(db), query(sql), stop()}. */
export async function startPostgres({ db = 'heimdall' } = {}) {
  const bin = pgBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (scripts/install-deps.sh --test installs it)');
  const asRoot = process.getuid?.() === 0;
  const dir = tmpDir('heimdall-pg-');
  const data = path.join(dir, 'data');
  const user = 'heimdall';
  const password = 'pg-test-password';
  fs.writeFileSync(path.join(dir, 'pw'), password);
  if (asRoot) {
    fs.chmodSync(dir, 0o755);
    await run('chown', ['-R', 'postgres:postgres', dir]);
  }
  const as = (cmd, args, opts = {}) => (asRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args], opts) : run(cmd, args, opts));
  await as(path.join(bin, 'initdb'), ['-D', data, '-U', user, `--pwfile=${path.join(dir, 'pw')}`, '--auth-host=scram-sha-256', '--auth-local=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  await as(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '30', '-o',
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c full_page_writes=off`, 'start']);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await as(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
  };
  onCleanup(stop);
  const env = { ...process.env, PGPASSWORD: password };
  const query = async (sql, database = db) => {
    const r = await run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', database, '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql], { env });
    return r.stdout.trim();
  };
  await waitFor(async () => query('SELECT 1', 'postgres').then(() => true, () => false), { timeoutMs: 15000, message: 'postgres did not accept connections' });
  await query(`CREATE DATABASE ${db}`, 'postgres');
  return {
    host: '127.0.0.1', port, user, password, db, query, stop,
    /** Restarts the server (same data, same port). */
    restart: async () => {
      await as(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      await as(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '30', '-o',
        `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c full_page_writes=off`, 'start']);
    },
    storeConfig: (database = db) => ({ enabled: true, type: 'postgres', config: { host: '127.0.0.1', port: String(port), user, password, db_name: database, ssl_mode: 'disable' } }),
  };
}
