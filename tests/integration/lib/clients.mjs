// Locations of the npm test clients installed in tests/clients (pinned in its package.json).
import fs from 'node:fs';
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
