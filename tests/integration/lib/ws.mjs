// A minimal WebSocket client for tests (Node 20 has no global WebSocket without a flag): the HTTP
// upgrade through node:http, then unmasked server frames parsed from the socket. Text frames are
// collected as messages; the client answers pings and can close. No npm dependency.
import http from 'node:http';
import crypto from 'node:crypto';

/**
 * Connects to ws://host:port/path. Resolves to {messages, next(pred, ms), close(), closed} or rejects with
 * {status, body} when the server refuses the upgrade.
 */
export function connectWs(url, { headers = {}, timeoutMs = 5000 } = {}) {
  const u = new URL(url);
  const key = crypto.randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'GET',
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': key, ...headers },
    });
    const timer = setTimeout(() => { req.destroy(new Error('WebSocket connect timed out')); }, timeoutMs);
    req.on('error', (e) => { clearTimeout(timer); reject(e); });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => { body += d; }).on('end', () => {
        clearTimeout(timer);
        const err = new Error(`upgrade refused: ${res.statusCode} ${body}`);
        err.status = res.statusCode;
        err.body = body;
        reject(err);
      });
    });
    req.on('upgrade', (res, socket, head) => {
      clearTimeout(timer);
      const expect = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
      if (res.headers['sec-websocket-accept'] !== expect) {
        socket.destroy();
        reject(new Error('bad Sec-WebSocket-Accept'));
        return;
      }
      resolve(wrap(socket, head));
    });
    req.end();
  });
}

function frame(opcode, payload) {
  const mask = crypto.randomBytes(4);
  const len = payload.length;
  const header = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff]);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i] ^= mask[i % 4];
  return Buffer.concat([header, mask, masked]);
}

function wrap(socket, head) {
  const messages = [];
  const waiters = new Set();
  let buf = Buffer.from(head ?? []);
  let closed = false;
  let closeResolve;
  const closedPromise = new Promise((r) => { closeResolve = r; });
  const notify = () => { for (const w of [...waiters]) w(); };
  const parse = () => {
    for (;;) {
      if (buf.length < 2) return;
      const opcode = buf[0] & 0x0f;
      let len = buf[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = Number(buf.readBigUInt64BE(2));
        off = 10;
      }
      if (buf.length < off + len) return;
      const payload = buf.subarray(off, off + len);
      buf = buf.subarray(off + len);
      if (opcode === 1) {
        messages.push(JSON.parse(payload.toString('utf8')));
        notify();
      } else if (opcode === 9) {
        socket.write(frame(10, payload));
      } else if (opcode === 8) {
        if (!closed) socket.end(frame(8, payload.subarray(0, 2)));
        closed = true;
      }
    }
  };
  socket.on('data', (d) => { buf = Buffer.concat([buf, d]); parse(); });
  socket.on('close', () => { closed = true; closeResolve(); notify(); });
  socket.on('error', () => {});
  parse();
  return {
    messages,
    /** Waits (bounded) for a message matching `pred`; returns it. */
    next(pred, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = messages.find(pred);
          if (m) { done(); resolve(m); return true; }
          if (closed) { done(); reject(new Error(`socket closed; messages: ${JSON.stringify(messages)}`)); return true; }
          return false;
        };
        const timer = setTimeout(() => { done(); reject(new Error(`no matching message in ${timeoutMs} ms; got ${JSON.stringify(messages)}`)); }, timeoutMs);
        const done = () => { clearTimeout(timer); waiters.delete(check); };
        if (!check()) waiters.add(check);
      });
    },
    /** Sends a close frame and waits (bounded) for the socket to close. */
    async close(timeoutMs = 2000) {
      if (!closed) socket.write(frame(8, Buffer.from([0x03, 0xe8])));
      const t = setTimeout(() => socket.destroy(), timeoutMs);
      await closedPromise;
      clearTimeout(t);
    },
    get closed() { return closed; },
    closedPromise,
  };
}
