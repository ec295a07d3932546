// Locations of the npm test clients installed in tests/clients (pinned in its package.json).
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createRequire } from 'node:module';
import { REPO_ROOT } from './harness.mjs';

export const CLIENTS_DIR = path.join(REPO_ROOT, 'tests/clients');
const require = createRequire(path.join(CLIENTS_DIR, 'package.json'));

export async function anthropicSdk() {
  const mod = await import(require.resolve('@anthropic-ai/sdk'));
  return mod.default ?? mod.Anthropic;
}

export async function openaiSdk() {
  const mod = await import(require.resolve('openai'));
  return { OpenAI: mod.default ?? mod.OpenAI, AzureOpenAI: mod.AzureOpenAI, mod };
}

/** The Claude Code native executable (the platform package's binary; install scripts may be blocked). */
export function claudeCodeBin() {
  const candidates = [
    path.join(CLIENTS_DIR, 'node_modules/@anthropic-ai/claude-code-linux-x64/claude'),
    path.join(CLIENTS_DIR, 'node_modules/@anthropic-ai/claude-code-linux-x64-musl/claude'),
    path.join(CLIENTS_DIR, 'node_modules/@anthropic-ai/claude-code-linux-arm64/claude'),
  ];
  return candidates.find((p) => fs.existsSync(p));
}

/** Claude Code's environment for a run through the gateway at `gatewayUrl` (isolated HOME, no telemetry). */
export function claudeEnv(gatewayUrl, home, model, token = 'bf-claude-code-test-key') {
  return {
    PATH: process.env.PATH,
    HOME: home,
    CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
    ANTHROPIC_BASE_URL: `${gatewayUrl}/anthropic`,
    ANTHROPIC_AUTH_TOKEN: token,
    ANTHROPIC_MODEL: model,
    ANTHROPIC_DEFAULT_SONNET_MODEL: model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_BUG_COMMAND: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
  };
}

/** Runs Claude Code to completion: {code, stdout, stderr}; kills it after timeoutMs. */
export function runClaude(bin, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`claude timed out after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
