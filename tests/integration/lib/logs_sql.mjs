// SQL for tests that plant request-log rows straight into the store (retention tests): a full row of the
// `logs` table with the given id and start time (unix ms).
// `byTime`: the SQLite layout keyed by time (a new logs.db), whose rowid `key` is the start
// millisecond shifted left 20 bits plus a sequence number, as the writer stores it.
import { execFileSync } from 'node:child_process';

// Whether the sqlite3 CLI is installed (tests that read or plant rows in logs.db skip without it).
export const haveSqlite3 = (() => {
  try {
    execFileSync('sqlite3', ['-version']);
    return true;
  } catch {
    return false;
  }
})();

let seq = 0;
export function insertLogRowSql(id, tsMs, { byTime = false } = {}) {
  const cols = ['id', 'ts', 'object', 'provider', 'model', 'served_model', 'deployment', 'key_id', 'key_name', 'vk_id', 'vk_name',
    'team_id', 'team_name', 'customer_id', 'customer_name', 'retries', 'fallback_index', 'status', 'status_code', 'error', 'latency',
    'ttft', 'stream', 'stop_reason', 'prompt_tokens', 'completion_tokens', 'cache_read_tokens', 'cache_write_tokens', 'total_tokens',
    'cost', 'trace_id', 'input', 'output', 'output_raw', 'attempts', 'labels'];
  const vals = [`'${id}'`, tsMs, "'anthropic.messages'", "'azure'", "'claude-sonnet-4-6'", "'claude-sonnet-4-6'", "'dep'", "'k'", "'key'",
    "''", "''", "''", "''", "''", "''", 0, -1, "'success'", 200, 'NULL', 12.5, 'NULL', 0, "'end_turn'", 1, 2, 0, 0, 3, 'NULL', "''",
    'NULL', 'NULL', 'NULL', "'[]'", "'{}'"];
  if (byTime) {
    cols.unshift('key');
    vals.unshift(`(${Math.trunc(tsMs)} << 20) + ${seq++}`);
  }
  return `INSERT INTO logs (${cols.join(', ')}) VALUES (${vals.join(', ')});`;
}
