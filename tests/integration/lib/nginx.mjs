// nginx (Debian's nginx-light) as a round-robin load balancer in front of gateway replicas, for tests:
// loopback only, ephemeral port, config and logs in a temp dir, stopped at cleanup().
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { tmpDir, onCleanup, waitFor, freePort } from './harness.mjs';

/** Starts nginx balancing over `ports` (round robin); resolves to {url, port, stop()}. */
export async function startLoadBalancer(ports) {
  const dir = tmpDir('heimdall-nginx-');
  const port = await freePort();
  const conf = `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/cb; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f;
  uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;
  upstream gateways {
${ports.map((p) => `    server 127.0.0.1:${p};`).join('\n')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://gateways;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_next_upstream off;
    }
  }
}
`;
  fs.writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const proc = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const exited = new Promise((res) => proc.once('exit', res));
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGQUIT');
    await Promise.race([exited, new Promise((res) => setTimeout(res, 3000).unref())]);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  };
  onCleanup(stop);
  await waitFor(() => new Promise((res) => {
    const s = net.connect(port, '127.0.0.1', () => { s.destroy(); res(true); });
    s.on('error', () => res(false));
  }), { timeoutMs: 10000, message: () => `nginx did not start: ${err}` });
  return { url: `http://127.0.0.1:${port}`, port, stop };
}
