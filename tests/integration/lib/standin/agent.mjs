#!/usr/bin/env node
// A recording stand-in for a coding agent (installed on PATH as claude, codex, gemini or opencode): it
// writes what it was started with (argv, the wiring variables, the generated config file) to
// $STANDIN_RECORD_DIR and exits. `--version` answers; `claude mcp get|add|remove|list` keeps an MCP
// server table in $STANDIN_RECORD_DIR/mcp.json and prints what Claude Code 2.1 prints. With STANDIN_WAIT=1
// it stays up and logs terminal size changes and signals.
import fs from 'node:fs';
import path from 'node:path';

const name = path.basename(process.argv[1]);
const args = process.argv.slice(2);
const dir = process.env.STANDIN_RECORD_DIR;
if (args[0] === '--version') {
  console.log(`9.9.${name.length} (${name} stand-in)`);
  process.exit(0);
}
const mcpFile = path.join(dir, 'mcp.json');
const mcp = fs.existsSync(mcpFile) ? JSON.parse(fs.readFileSync(mcpFile, 'utf8')) : {};
const log = (entry) => fs.appendFileSync(path.join(dir, 'calls.jsonl'), `${JSON.stringify(entry)}\n`);

if (name === 'claude' && args[0] === 'mcp') {
  log({ name, args });
  const [, sub, server] = args;
  if (sub === 'get') {
    const s = mcp[server];
    if (!s) {
      console.log(`No MCP server named "${server}". Run \`claude mcp add\` to add one.`);
      process.exit(1);
    }
    console.log(`${server}:\n  Scope: User config (available in all your projects)\n  Type: http\n  URL: ${s.url}`);
    if (s.headers.length) console.log(`  Headers:\n${s.headers.map((h) => `    ${h}`).join('\n')}`);
    process.exit(0);
  }
  if (sub === 'remove') {
    delete mcp[server];
  } else if (sub === 'add') {
    const rest = args.slice(2);
    const headers = [];
    const pos = [];
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === '--header') headers.push(rest[++i]);
      else if (rest[i] === '--transport' || rest[i] === '-s') i++;
      else pos.push(rest[i]);
    }
    mcp[pos[0]] = { url: pos[1], headers };
  }
  fs.writeFileSync(mcpFile, JSON.stringify(mcp));
  process.exit(0);
}

const env = {};
for (const [k, v] of Object.entries(process.env)) {
  if (/^(ANTHROPIC_|OPENAI_|GEMINI_|GOOGLE_GEMINI_|OPENCODE_|HEIMDALL_)/.test(k)) env[k] = v;
}
const record = { name, args, env, tty: process.stdin.isTTY === true };
if (env.OPENCODE_CONFIG) record.opencodeConfig = JSON.parse(fs.readFileSync(env.OPENCODE_CONFIG, 'utf8'));
const n = fs.readdirSync(dir).filter((f) => f.startsWith(`${name}-`)).length;
fs.writeFileSync(path.join(dir, `${name}-${n}.json`), JSON.stringify(record, null, 2));
console.log(`${name} stand-in ran with ${args.join(' ')}`);
if (process.env.STANDIN_WAIT !== '1') process.exit(Number(process.env.STANDIN_EXIT_CODE || 0));

// Wait mode: stay up like an interactive agent, logging the terminal size, size changes and signals to
// events.jsonl; exit 128+signal on SIGINT/SIGTERM/SIGHUP.
const event = (e) => fs.appendFileSync(path.join(dir, 'events.jsonl'), `${JSON.stringify(e)}\n`);
// The handlers are in place before 'start' is written: a test sends its signal once it sees 'start'.
process.stdout.on('resize', () => event({ type: 'resize', columns: process.stdout.columns, rows: process.stdout.rows }));
for (const [sig, num] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
  process.on(sig, () => {
    event({ type: 'signal', signal: sig });
    process.exit(128 + num);
  });
}
event({ type: 'start', columns: process.stdout.columns, rows: process.stdout.rows });
setInterval(() => {}, 1000);
