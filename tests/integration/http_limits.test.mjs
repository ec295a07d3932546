// HTTP server behaviour at the edges: header size limit, Expect: 100-continue, malformed requests,
// keep-alive reuse and pipelining.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startGateway, cleanup, request } from './lib/harness.mjs';

let gw;
before(async () => { gw = await startGateway({}); });
after(cleanup);

/** Sends raw bytes on one connection; resolves with everything received until `done(text)` or close. */
function raw(port, chunks, done = () => false, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`timeout; got: ${text}`)); }, timeoutMs);
    sock.on('data', async (d) => {
      text += d;
      const next = done(text, sock);
      if (next === true) { clearTimeout(timer); sock.destroy(); resolve(text); }
    });
    sock.on('close', () => { clearTimeout(timer); resolve(text); });
    sock.on('error', () => {});
    sock.on('connect', () => { for (const c of chunks) sock.write(c); });
  });
}

test('headers over the limit get 431 as JSON', async () => {
  const r = await request(`${gw.url}/health`, { headers: { 'x-big': 'a'.repeat(70 * 1024) } });
  assert.equal(r.status, 431);
  assert.match(r.json.error.message, /headers are larger than the limit/);
});

test('Expect: 100-continue is answered before the body is sent', async () => {
  const body = JSON.stringify({ model: 'x', messages: [] });
  let sentBody = false;
  const text = await raw(gw.port, [
    `POST /anthropic/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`,
  ], (t, sock) => {
    if (!sentBody && t.includes('100 Continue')) { sentBody = true; sock.write(body); }
    return t.includes('}}');
  });
  assert.match(text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 404/);
});

test('malformed HTTP gets a 400 and the connection closes', async () => {
  const text = await raw(gw.port, ['GARBAGE\r\n\r\n']);
  assert.match(text, /^HTTP\/1\.1 400/);
});

test('pipelined requests on one connection are all answered in order', async () => {
  const req = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
  const text = await raw(gw.port, [req + req + 'GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
  const statuses = [...text.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => m[1]);
  assert.deepEqual(statuses, ['200', '200', '404']);
});
