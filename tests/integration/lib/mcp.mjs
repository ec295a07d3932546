// MCP test helpers: the official SDK client and the reference server (@modelcontextprotocol/server-everything),
// both from tests/clients (pinned), started as real processes on ephemeral ports.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createRequire } from 'node:module';
import { CLIENTS_DIR } from './clients.mjs';
import { freePort, onCleanup, waitFor } from './harness.mjs';

const require = createRequire(path.join(CLIENTS_DIR, 'package.json'));

/** node + the path of the reference server's entry point (`<script> stdio|sse|streamableHttp`). */
export const EVERYTHING_SCRIPT = path.join(CLIENTS_DIR, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

export async function mcpSdk() {
  const { Client } = await import(require.resolve('@modelcontextprotocol/sdk/client/index.js'));
  const { StreamableHTTPClientTransport } = await import(require.resolve('@modelcontextprotocol/sdk/client/streamableHttp.js'));
  const types = await import(require.resolve('@modelcontextprotocol/sdk/types.js'));
  return { Client, StreamableHTTPClientTransport, types };
}

/** A stdio client entry for config.json's mcp.client_configs. */
export function stdioEverything(name, extra = {}) {
  return {
    name,
    connection_type: 'stdio',
    stdio_config: { command: process.execPath, args: [EVERYTHING_SCRIPT, 'stdio'], envs: [] },
    tools_to_execute: ['*'],
    ...extra,
  };
}

/**
 * Starts the reference server over HTTP (`mode` = streamableHttp or sse) on a free port; resolves when
 * it accepts connections. Returns {port, url, proc, stop}.
 */
export async function startEverythingHttp(mode = 'streamableHttp') {
  const port = await freePort();
  const proc = spawn(process.execPath, [EVERYTHING_SCRIPT, mode], {
    env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((res) => proc.once('exit', res));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    }
  };
  onCleanup(stop);
  await waitFor(() => /listening on port|running on port/i.test(log) || proc.exitCode !== null,
    { timeoutMs: 15000, message: () => `server-everything ${mode} did not start:\n${log}` });
  if (proc.exitCode !== null) throw new Error(`server-everything ${mode} exited:\n${log}`);
  const url = mode === 'sse' ? `http://127.0.0.1:${port}/sse` : `http://127.0.0.1:${port}/mcp`;
  return { port, url, proc, stop, log: () => log };
}

/** A connected SDK client on the gateway's /mcp with `headers` (e.g. Authorization). */
export async function connectSdk(gwUrl, headers = {}, { onToolsChanged } = {}) {
  const { Client, StreamableHTTPClientTransport, types } = await mcpSdk();
  const client = new Client({ name: 'heimdall-test', version: '1.0.0' });
  if (onToolsChanged) client.setNotificationHandler(types.ToolListChangedNotificationSchema, onToolsChanged);
  const transport = new StreamableHTTPClientTransport(new URL(`${gwUrl}/mcp`), { requestInit: { headers } });
  await client.connect(transport);
  onCleanup(() => client.close().catch(() => {}));
  return { client, transport };
}

/** A raw JSON-RPC POST to /mcp: {status, headers, json, text}. */
export async function rpc(gwUrl, body, headers = {}) {
  const res = await fetch(`${gwUrl}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

export function initializeMessage(protocolVersion = '2025-06-18', id = 1) {
  return { jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
}
