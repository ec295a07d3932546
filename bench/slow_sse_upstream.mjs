#!/usr/bin/env node
// Slow Anthropic-style SSE upstream for the "many concurrent slow streams" benchmark.
//
// Every POST (any path) is answered with `text/event-stream` and one Anthropic Messages event every
// INTERVAL ms: message_start first (immediately), content_block_start, content_block_delta x N,
// content_block_stop, message_delta, message_stop last, then the response ends. With the defaults
// (EVENTS=30, INTERVAL=1000) a stream lasts ~30 s.
//
// Usage: node slow_sse_upstream.mjs --port PORT [--events 30] [--interval-ms 1000]
// Prints `listening <port>` on stdout once ready. No npm dependencies.
import http from 'node:http';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

const port = Number(arg('port', '0'));
const totalEvents = Math.max(6, Number(arg('events', '30')));
const intervalMs = Number(arg('interval-ms', '1000'));
const deltas = totalEvents - 5; // message_start, block_start, block_stop, message_delta, message_stop

function frame(type, data) {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

function eventAt(i, id) {
  if (i === 0) {
    return frame('message_start', {
      type: 'message_start',
      message: {
        id, type: 'message', role: 'assistant', model: 'bench-claude', content: [],
        stop_reason: null, stop_sequence: null, usage: { input_tokens: 8, output_tokens: 1 },
      },
    });
  }
  if (i === 1) {
    return frame('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  }
  if (i < 2 + deltas) {
    return frame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `tok${i - 2} ` } });
  }
  if (i === 2 + deltas) return frame('content_block_stop', { type: 'content_block_stop', index: 0 });
  if (i === 3 + deltas) {
    return frame('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: deltas } });
  }
  return frame('message_stop', { type: 'message_stop' });
}

let seq = 0;
let active = 0;
let served = 0;
let aborted = 0;

const server = http.createServer((req, res) => {
  // Drain the request body, then stream.
  req.resume();
  req.on('end', () => {
    const id = `msg_slow_${++seq}`;
    active++;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let i = 0;
    let done = false;
    const finish = (ok) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      active--;
      if (ok) served++; else aborted++;
    };
    res.write(eventAt(i++, id));
    const timer = setInterval(() => {
      res.write(eventAt(i++, id));
      if (i >= totalEvents) {
        res.end();
        finish(true);
      }
    }, intervalMs);
    res.on('close', () => finish(res.writableFinished));
  });
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 60_000;
server.requestTimeout = 0;
server.timeout = 0;
server.maxHeadersCount = 0;

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});

function stats() {
  return { active, served, aborted };
}
process.on('SIGUSR2', () => process.stderr.write(`slow_sse_upstream ${JSON.stringify(stats())}\n`));
process.on('SIGTERM', () => {
  process.stderr.write(`slow_sse_upstream exiting ${JSON.stringify(stats())}\n`);
  process.exit(0);
});
