#!/usr/bin/env node
// Prints a Claude-Code-like Anthropic Messages request body of about --bytes bytes (default 10240):
// a short identity system block plus a long system text block with cache_control, four tools with
// JSON-schema input_schema (Read, Bash, Edit, Grep), and a five-message tool loop (user text,
// assistant text + tool_use, user tool_result, assistant tool_use, user tool_result with
// cache_control), metadata.user_id. The system text is padded so the body lands within a few bytes
// of --bytes. Deterministic: the same arguments give the same bytes. ASCII only.
//
// Usage: node claude_code_body.mjs --model azure/gpt-4o [--stream] [--bytes 10240] > body.json
//        node claude_code_body.mjs --sessions 8 --turns 24 --bytes 102400 --dir DIR   (see sessionTurn)
function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}
const model = arg('model', 'azure/claude-sonnet-4-6');
const stream = process.argv.includes('--stream');
const target = Number(arg('bytes', '10240'));

const SENTENCES = [
  'You are an interactive CLI tool that helps users with software engineering tasks.',
  'Use the instructions below and the tools available to you to assist the user.',
  'IMPORTANT: Assist with defensive security tasks only.',
  'When the user asks for help or wants to give feedback, tell them how to report issues.',
  'You should be concise, direct, and to the point, while providing complete information.',
  'Prefer editing existing files to creating new ones; never create documentation files unless asked.',
  'When you run a non-trivial bash command, explain what the command does and why you are running it.',
  'Before you begin work, think about what the code you are editing is supposed to do based on the file names and directory structure.',
  'Always follow the conventions of the existing code: look at neighbouring files, imports and tests.',
  'Never assume that a given library is available, even if it is well known; check the build files first.',
  'When you make a change, run the linter and the type checker if they were provided to you.',
  'Only use emojis if the user explicitly requests it.',
  'Your output will be displayed on a command line interface; use GitHub-flavored markdown for formatting.',
  'Do what has been asked; nothing more, nothing less.',
];

function filler(n) {
  let s = '';
  for (let i = 0; s.length < n; i++) s += `${SENTENCES[i % SENTENCES.length]}${i % 5 === 4 ? '\n\n' : ' '}`;
  return s.slice(0, n);
}

const tools = [
  {
    name: 'Read',
    description: 'Reads a file from the local filesystem. The file_path parameter must be an absolute path, not a relative path. By default, it reads up to 2000 lines starting from the beginning of the file. You can optionally specify a line offset and limit.',
    input_schema: {
      type: 'object',
      properties: {
        file_path: { type: 'string', description: 'The absolute path to the file to read' },
        offset: { type: 'number', description: 'The line number to start reading from' },
        limit: { type: 'number', description: 'The number of lines to read' },
      },
      required: ['file_path'],
      additionalProperties: false,
      $schema: 'http://json-schema.org/draft-07/schema#',
    },
  },
  {
    name: 'Bash',
    description: 'Executes a given bash command in a persistent shell session with optional timeout, ensuring proper handling and security measures. Always quote file paths that contain spaces.',
    input_schema: {
      type: 'object',
      properties: {
        command: { type: 'string', description: 'The command to execute' },
        timeout: { type: 'number', description: 'Optional timeout in milliseconds (max 600000)' },
        description: { type: 'string', description: 'Clear, concise description of what this command does in 5-10 words' },
      },
      required: ['command'],
      additionalProperties: false,
      $schema: 'http://json-schema.org/draft-07/schema#',
    },
  },
  {
    name: 'Edit',
    description: 'Performs exact string replacements in files. You must use the Read tool at least once before editing. The edit will fail if old_string is not unique in the file.',
    input_schema: {
      type: 'object',
      properties: {
        file_path: { type: 'string', description: 'The absolute path to the file to modify' },
        old_string: { type: 'string', description: 'The text to replace' },
        new_string: { type: 'string', description: 'The text to replace it with (must be different from old_string)' },
        replace_all: { type: 'boolean', default: false, description: 'Replace all occurrences of old_string' },
      },
      required: ['file_path', 'old_string', 'new_string'],
      additionalProperties: false,
      $schema: 'http://json-schema.org/draft-07/schema#',
    },
  },
  {
    name: 'Grep',
    description: 'A powerful search tool built on ripgrep. Supports full regex syntax, filtering files with the glob parameter, and several output modes.',
    input_schema: {
      type: 'object',
      properties: {
        pattern: { type: 'string', description: 'The regular expression pattern to search for in file contents' },
        path: { type: 'string', description: 'File or directory to search in. Defaults to the current working directory.' },
        glob: { type: 'string', description: 'Glob pattern to filter files (e.g. "*.js")' },
        output_mode: { type: 'string', enum: ['content', 'files_with_matches', 'count'] },
        '-n': { type: 'boolean', description: 'Show line numbers in output' },
      },
      required: ['pattern'],
      additionalProperties: false,
      $schema: 'http://json-schema.org/draft-07/schema#',
    },
  },
];

const fileExcerpt = [
  'namespace hd::upstream {',
  '',
  'namespace {',
  'constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);',
  '// Reads up to this much per system call; also the connection buffer starting size.',
  'constexpr std::size_t kReadChunk = 8 * 1024;',
  'constexpr std::uint32_t kMaxResponseHeaderBytes = 64 * 1024;',
  '} // namespace',
  '',
  'Pool::acquire(const Origin& origin, const TlsOptions& tls, std::chrono::milliseconds timeout) {',
  '  auto key = origin.key();',
  '  if (auto idle = takeIdle(key)) {',
  '    co_return std::move(idle);',
  '  }',
  '  auto conn = std::make_unique<Connection>();',
  '  conn->key = key;',
  '  conn->buffer.reserve(kReadChunk);',
  '  if (origin.tls) {',
  '    conn->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ex_, sslContext(tls));',
  '  } else {',
  '    conn->plain = std::make_unique<beast::tcp_stream>(ex_);',
  '  }',
].map((l, i) => `${String(i + 14).padStart(6)}\t${l}`).join('\n');

function build(pad) {
  const body = {
    model,
    max_tokens: 32000,
    system: [
      { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude." },
      { type: 'text', text: filler(pad), cache_control: { type: 'ephemeral' } },
    ],
    tools,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: '<system-reminder>\nAs you answer the user questions, you can use the following context: the working directory is /home/dev/heimdall, a C++20 project built with CMake and Ninja.\n</system-reminder>' },
          { type: 'text', text: 'Where is the upstream read size set, and why was it changed?' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'I will search the sources for the read size constant.' },
          { type: 'tool_use', id: 'toolu_01BenchGrep00000000000001', name: 'Grep', input: { pattern: 'kReadChunk', path: 'src', output_mode: 'content', '-n': true } },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_01BenchGrep00000000000001', content: 'src/upstream/client.cc:20:constexpr std::size_t kReadChunk = 8 * 1024;\nsrc/upstream/client.cc:126:  conn->buffer.reserve(kReadChunk);' }],
      },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_01BenchRead00000000000002', name: 'Read', input: { file_path: '/home/dev/heimdall/src/upstream/client.cc', offset: 14, limit: 22 } }],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_01BenchRead00000000000002', content: fileExcerpt, cache_control: { type: 'ephemeral' } }],
      },
    ],
    metadata: { user_id: 'user_0bench0000000000000000000000000000000000000000000000000000000_account__session_00000000-0000-4000-8000-000000000000' },
  };
  if (stream) body.stream = true;
  return JSON.stringify(body);
}

// --sessions S --turns T --dir DIR: the bodies of S conversations of T turns each, as a coding agent
// sends them (DIR/s<S>_t<T>.json), about --bytes each on average. Every turn repeats the system prompt
// (a quarter of --bytes), the tools and every earlier message, and adds a tool call and its result
// (the result's size set so the average lands on --bytes); the newest two messages carry the
// placeholder @@N@@ (the bench puts a request number there: no two requests send the same new
// messages) and the last one cache_control, which the next turn moves on, as Claude Code does.
function sessionTurn(session, turn, resultBytes) {
  const messages = [{ role: 'user', content: [{ type: 'text', text: `Session ${session}: where is the upstream read size set, and why?` }] }];
  for (let k = 0; k <= turn; k++) {
    const n = k === turn ? '@@N@@' : `${session}.${k}`;
    messages.push(
      { role: 'assistant', content: [{ type: 'text', text: `Step ${n}: reading the next file.` }, { type: 'tool_use', id: `toolu_01Bench${session}x${k}`, name: 'Read', input: { file_path: `/home/dev/heimdall/src/file_${session}_${k}.cc` } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_01Bench${session}x${k}`, content: `request ${n}\n${filler(resultBytes)}`, ...(k === turn ? { cache_control: { type: 'ephemeral' } } : {}) }] },
    );
  }
  return JSON.stringify({
    model,
    max_tokens: 32000,
    system: [
      { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude." },
      { type: 'text', text: filler(Math.floor(target / 4)), cache_control: { type: 'ephemeral' } },
    ],
    tools,
    messages,
    metadata: { user_id: `user_bench_account__session_${session}` },
    ...(stream ? { stream: true } : {}),
  });
}

const sessions = Number(arg('sessions', '0'));
if (sessions > 0) {
  const turns = Number(arg('turns', '24'));
  const dir = arg('dir', '.');
  const fs = await import('node:fs');
  const average = (rb) => {
    let sum = 0;
    for (let t = 0; t < turns; t++) sum += sessionTurn(0, t, rb).length;
    return sum / turns;
  };
  // One tool result's size: the body grows by about (result + ~400 B) a turn.
  let rb = 1000;
  for (let i = 0; i < 6; i++) rb = Math.max(100, Math.round(rb + ((target - average(rb)) * 2) / (turns + 1)));
  for (let s = 0; s < sessions; s++) {
    for (let t = 0; t < turns; t++) fs.writeFileSync(`${dir}/s${s}_t${t}.json`, sessionTurn(s, t, rb));
  }
  process.exit(0);
}

// Size the padding: JSON-escaping of the filler (newlines) makes the length not quite linear.
let pad = Math.max(0, target - build(0).length);
for (let i = 0; i < 5; i++) {
  const over = build(pad).length - target;
  if (over === 0) break;
  pad = Math.max(0, pad - over);
}
process.stdout.write(build(pad));
