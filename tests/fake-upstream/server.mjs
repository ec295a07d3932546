#!/usr/bin/env node
// Fake LLM upstream for Heimdall tests and benchmarks: Anthropic, Azure (Foundry Claude and
// Azure OpenAI) and OpenAI wire formats, plus a /__control API for scripting and recording.
// Usage: node server.mjs [--port N] [--host 127.0.0.1] [--no-record]
// Prints exactly one line "LISTENING <port>" to stdout once ready.
import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import { state, Ctx, applyConfig, resetAll, setRecordDefault } from './common.mjs';
import { handleMessages, handleModels, parseJson, anthropicError, AZURE_404 } from './anthropic.mjs';
import { handleChat, handleOpenAIModels } from './openai.mjs';
import { routeEntra, configureEntra, entraStatus, resetEntra } from './entra.mjs';

function parseArgs(argv) {
  const opts = { port: 0, host: '127.0.0.1', record: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') opts.port = Number(argv[++i]);
    else if (a.startsWith('--port=')) opts.port = Number(a.slice(7));
    else if (a === '--host') opts.host = argv[++i];
    else if (a === '--tls-cert') opts.tlsCert = argv[++i];
    else if (a === '--tls-key') opts.tlsKey = argv[++i];
    else if (a.startsWith('--host=')) opts.host = a.slice(7);
    else if (a === '--no-record') opts.record = false;
    else {
      process.stderr.write(`fake-upstream: unknown argument ${a}\n`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    process.stderr.write('fake-upstream: bad --port\n');
    process.exit(2);
  }
  return opts;
}

const AZ_DEPLOYMENT = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;

function route(ctx) {
  const method = ctx.req.method;
  const p = ctx.path;
  const token = routeEntra(ctx);
  if (token) return token;
  if (method === 'POST') {
    switch (p) {
      case '/v1/messages': return handleMessages(ctx, 'anthropic', false);
      case '/v1/messages/count_tokens': return handleMessages(ctx, 'anthropic', true);
      case '/anthropic/v1/messages': return handleMessages(ctx, 'azure', false);
      case '/anthropic/v1/messages/count_tokens': return handleMessages(ctx, 'azure', true);
      case '/v1/chat/completions': return handleChat(ctx, 'openai');
      case '/openai/v1/chat/completions': return handleChat(ctx, 'azure-v1');
      default: {
        const m = AZ_DEPLOYMENT.exec(p);
        if (m) return handleChat(ctx, 'azure', decodeURIComponent(m[1]));
      }
    }
  } else if (method === 'GET' && p === '/v1/models') {
    const h = ctx.headers;
    return h['x-api-key'] !== undefined || h['anthropic-version'] !== undefined ? handleModels(ctx) : handleOpenAIModels(ctx);
  }
  if (p.startsWith('/openai/') || p.startsWith('/anthropic/')) return ctx.send(404, {}, AZURE_404);
  return ctx.send(404, {}, anthropicError('not_found_error', `Not found: ${method} ${p}`));
}

function onInference(req, res, url) {
  const ctx = new Ctx(req, res, url);
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    ctx.rawBody = chunks.length === 1 ? chunks[0].toString() : Buffer.concat(chunks).toString();
    ctx.json = ctx.rawBody === '' ? { ok: false } : parseJson(ctx.rawBody);
    if (ctx.rec) {
      ctx.rec.raw_body = ctx.rawBody;
      ctx.rec.body = ctx.json.ok ? ctx.json.value : null;
    }
    ctx.pushRecord();
    let p;
    try {
      p = route(ctx);
    } catch (err) {
      p = Promise.reject(err);
    }
    Promise.resolve(p).catch((err) => {
      process.stderr.write(`fake-upstream: handler error: ${err?.stack ?? err}\n`);
      if (!res.headersSent) ctx.send(500, {}, anthropicError('api_error', `fake upstream bug: ${err?.message ?? err}`));
      else res.destroy();
    });
  });
}

// ---- control API ----

function sendControl(res, status, obj) {
  const buf = Buffer.from(JSON.stringify(obj));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': buf.length, 'cache-control': 'no-store' });
  res.end(buf);
}

function waitUntil(req, res, url, check, result) {
  const count = Number(url.searchParams.get('count') ?? 1);
  const timeout = Math.min(Number(url.searchParams.get('timeout_ms') ?? 5000), 600000);
  if (!Number.isFinite(count) || !Number.isFinite(timeout)) return sendControl(res, 400, { error: 'bad count/timeout_ms' });
  const cond = () => check() >= count;
  if (cond()) return sendControl(res, 200, result());
  const waiter = {
    check: cond,
    resolve: () => { clearTimeout(timer); sendControl(res, 200, result()); },
  };
  const timer = setTimeout(() => {
    state.waiters.delete(waiter);
    sendControl(res, 408, { error: 'timeout', wanted: count, have: check(), requests: result() });
  }, timeout);
  state.waiters.add(waiter);
  res.on('close', () => { clearTimeout(timer); state.waiters.delete(waiter); });
}

const abortedRecords = () => state.records.filter((r) => r.aborted);

function onControl(req, res, url) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString();
    let body = null;
    if (raw !== '') {
      const parsed = parseJson(raw);
      if (!parsed.ok) return sendControl(res, 400, { error: 'control body must be JSON' });
      body = parsed.value;
    }
    const op = `${req.method} ${url.pathname.slice('/__control'.length)}`;
    switch (op) {
      case 'GET /health':
        return sendControl(res, 200, { ok: true });
      case 'POST /script': {
        const replies = Array.isArray(body) ? body : body?.replies;
        if (!Array.isArray(replies) || !replies.every((r) => r && typeof r === 'object' && !Array.isArray(r))) {
          return sendControl(res, 400, { error: 'expected {"replies":[{...}, ...]}' });
        }
        state.script.push(...replies);
        return sendControl(res, 200, { queued: state.script.length });
      }
      case 'GET /script':
        return sendControl(res, 200, { replies: state.script });
      case 'DELETE /script':
        state.script = [];
        return sendControl(res, 200, { queued: 0 });
      case 'POST /config': {
        const err = applyConfig(body);
        if (err) return sendControl(res, 400, { error: err });
        return sendControl(res, 200, state.config);
      }
      case 'GET /config':
        return sendControl(res, 200, state.config);
      case 'GET /requests':
        return sendControl(res, 200, state.records);
      case 'POST /entra': {
        const r = configureEntra(body);
        return r.error ? sendControl(res, 400, r) : sendControl(res, 200, r);
      }
      case 'GET /entra':
        return sendControl(res, 200, entraStatus());
      case 'DELETE /requests':
      case 'POST /reset':
        resetAll();
        resetEntra();
        return sendControl(res, 200, { ok: true });
      case 'GET /wait':
        return waitUntil(req, res, url, () => state.records.length, () => state.records);
      case 'GET /wait_aborted':
        return waitUntil(req, res, url, () => abortedRecords().length, abortedRecords);
      default:
        return sendControl(res, 404, { error: `unknown control endpoint: ${op}` });
    }
  });
}

// ---- main ----

const opts = parseArgs(process.argv.slice(2));
setRecordDefault(opts.record);

function handle(req, res) {
  let url;
  try {
    url = new URL(req.url, 'http://fake-upstream');
  } catch {
    return sendControl(res, 400, { error: 'bad request target' });
  }
  if (url.pathname.startsWith('/__control/')) return onControl(req, res, url);
  return onInference(req, res, url);
}

const server = http.createServer(handle);
server.keepAliveTimeout = 65000;
server.headersTimeout = 66000;
server.requestTimeout = 0; // stalled responses must stay open until the client goes away
server.on('error', (err) => {
  process.stderr.write(`fake-upstream: ${err.message}\n`);
  process.exit(1);
});
// With --tls-cert/--tls-key the same handler is also served over HTTPS on a second port, announced
// before the plain one as "LISTENING_TLS <port>".
function listenPlain() {
  server.listen(opts.port, opts.host, () => {
    process.stdout.write(`LISTENING ${server.address().port}\n`);
  });
}
if (opts.tlsCert && opts.tlsKey) {
  const tls = https.createServer({ cert: fs.readFileSync(opts.tlsCert), key: fs.readFileSync(opts.tlsKey) }, handle);
  tls.keepAliveTimeout = 65000;
  tls.requestTimeout = 0;
  tls.listen(0, opts.host, () => {
    process.stdout.write(`LISTENING_TLS ${tls.address().port}\n`);
    listenPlain();
  });
} else {
  listenPlain();
}

for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
