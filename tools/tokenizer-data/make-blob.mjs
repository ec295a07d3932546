// Converts the BPE rank tables shipped by the pinned `tiktoken` npm package into the compact binary blob that
// src/tokenize embeds (see cmake/TokenizerData.cmake). Usage: node make-blob.mjs OUT.bin
//
// The package's encoders/<name>.json hold {pat_str, special_tokens, bpe_ranks}; bpe_ranks is a text of lines
// "! <first rank> <base64 token> <base64 token> ...", ranks counting up from <first rank>.
//
// Blob layout (all integers little-endian u32):
//   "HDBPE001"                       magic, 8 bytes
//   sectionCount
//   per section:
//     encodingId                      0 = o200k_base, 1 = cl100k_base (hd::tokenize::Encoding)
//     tokenCount                      ranks are 0..tokenCount-1
//     patternBytes                    length of the pre-tokenization regex (tiktoken syntax, UTF-8)
//     tokenBytes                      total length of all token byte strings
//     pattern[patternBytes]
//     lengths[tokenCount]             u8: byte length of the token with that rank
//     tokens[tokenBytes]              the token byte strings, in rank order, back to back
//     zero padding to a multiple of 4

import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);
const encodings = [
  { id: 0, name: 'o200k_base' },
  { id: 1, name: 'cl100k_base' },
];

function u32(value) {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return b;
}

function fail(message) {
  console.error(`make-blob: ${message}`);
  process.exit(1);
}

function section({ id, name }) {
  const data = require(`tiktoken/encoders/${name}.json`);
  if (typeof data.pat_str !== 'string' || typeof data.bpe_ranks !== 'string') {
    fail(`${name}: unexpected file layout`);
  }
  const byRank = new Map();
  for (const line of data.bpe_ranks.split('\n')) {
    if (!line) continue;
    const [, first, ...tokens] = line.split(' ');
    const offset = Number.parseInt(first, 10);
    tokens.forEach((token, i) => byRank.set(offset + i, Buffer.from(token, 'base64')));
  }
  const count = byRank.size;
  const lengths = Buffer.alloc(count);
  const parts = [];
  const seen = new Set();
  let total = 0;
  for (let rank = 0; rank < count; ++rank) {
    const bytes = byRank.get(rank);
    if (!bytes) fail(`${name}: ranks are not contiguous (missing ${rank})`);
    if (bytes.length === 0 || bytes.length > 255) fail(`${name}: token ${rank} has length ${bytes.length}`);
    const key = bytes.toString('latin1');
    if (seen.has(key)) fail(`${name}: duplicate token at rank ${rank}`);
    seen.add(key);
    lengths[rank] = bytes.length;
    parts.push(bytes);
    total += bytes.length;
  }
  for (let byte = 0; byte < 256; ++byte) {
    if (!seen.has(String.fromCharCode(byte))) fail(`${name}: single byte ${byte} has no rank`);
  }
  const pattern = Buffer.from(data.pat_str, 'utf8');
  const body = Buffer.concat([u32(id), u32(count), u32(pattern.length), u32(total), pattern, lengths, ...parts]);
  const padding = Buffer.alloc((4 - (body.length % 4)) % 4);
  console.log(`make-blob: ${name}: ${count} tokens, ${total} token bytes`);
  return Buffer.concat([body, padding]);
}

const out = process.argv[2];
if (!out) fail('usage: node make-blob.mjs OUT.bin');
const blob = Buffer.concat([Buffer.from('HDBPE001', 'latin1'), u32(encodings.length), ...encodings.map(section)]);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, blob);
console.log(`make-blob: wrote ${out} (${blob.length} bytes)`);
