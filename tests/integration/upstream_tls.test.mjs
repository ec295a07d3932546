// The upstream client's TLS: certificate verification against trusted CAs (ca_cert_pem), host-name
// verification, and insecure_skip_verify — against an HTTPS fake upstream with a test CA made here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startGateway, startFakeUpstream, request, cleanup, tmpDir } from './lib/harness.mjs';

let up;
let caPem;
before(async () => {
  const dir = tmpDir('heimdall-tls-');
  const f = (n) => path.join(dir, n);
  const openssl = (...args) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=Heimdall Test CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('srv.key'), '-out', f('srv.csr'), '-subj', '/CN=localhost');
  fs.writeFileSync(f('ext.cnf'), 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n');
  openssl('x509', '-req', '-in', f('srv.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('srv.pem'), '-days', '2', '-extfile', f('ext.cnf'));
  caPem = fs.readFileSync(f('ca.pem'), 'utf8');
  up = await startFakeUpstream({ args: ['--tls-cert', f('srv.pem'), '--tls-key', f('srv.key')] });
  assert.ok(up.tlsPort);
});
after(cleanup);

function config(host, network) {
  return {
    providers: {
      anthropic: {
        keys: [{ name: 'k', value: 'sk-ant-fake' }],
        network_config: { base_url: `https://${host}:${up.tlsPort}`, default_request_timeout_in_seconds: 5, ...network },
      },
    },
  };
}

async function call(gw) {
  return request(`${gw.url}/anthropic/v1/messages`, {
    method: 'POST',
    body: { model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'tls?' }] },
  });
}

test('a certificate from a trusted CA with the right host name is accepted', async () => {
  const gw = await startGateway({ config: config('localhost', { ca_cert_pem: caPem }) });
  const r = await call(gw);
  assert.equal(r.status, 200, r.text);
  await gw.stop();
});

test('an untrusted certificate is refused (502, no request reaches the upstream)', async () => {
  await up.reset();
  const gw = await startGateway({ config: config('localhost', {}) });
  const r = await call(gw);
  assert.equal(r.status, 502);
  assert.match(r.json.error.message, /TLS handshake with localhost failed: certificate verify failed/);
  assert.equal((await up.requests()).length, 0);
  await gw.stop();
});

test('a trusted certificate for another host name is refused', async () => {
  const gw = await startGateway({ config: config('127.0.0.1', { ca_cert_pem: caPem }) });
  const r = await call(gw);
  assert.equal(r.status, 502);
  assert.match(r.json.error.message, /TLS handshake with 127\.0\.0\.1 failed/);
  await gw.stop();
});

test('insecure_skip_verify turns verification off', async () => {
  const gw = await startGateway({ config: config('127.0.0.1', { insecure_skip_verify: true }) });
  const r = await call(gw);
  assert.equal(r.status, 200, r.text);
  await gw.stop();
});
