// LogStore's shared request parts (logs/parts.h): the column that names a row's parts, storing a
// row's parts, joining them back when it is read, and removing parts no row needs any more.
#include <fmt/format.h>

#include <atomic>
#include <map>

#include "logs/log_store.h"

namespace hd::logs {

namespace {

// When the orphan sweep asked for by a deletion is due (0: none asked). One per process: the writer's
// store runs what the query thread's store asked for.
std::atomic<std::int64_t> g_orphan_sweep_due_ms{0};

} // namespace

Result<Ok> LogStore::addPartsColumn() {
  if (db_->dialect() == Dialect::Postgres) {
    return db_->script("ALTER TABLE logs ADD COLUMN IF NOT EXISTS input_parts TEXT");
  }
  auto has = db_->query("SELECT COUNT(*) FROM pragma_table_info('logs') WHERE name = 'input_parts'", {});
  if (!has) {
    return has.error();
  }
  if (cellInteger(has->at(0), 0) > 0) {
    return Ok{};
  }
  return db_->script("ALTER TABLE logs ADD COLUMN input_parts TEXT");
}

Result<Ok> LogStore::storeParts(LogRowView& row, std::int64_t now_ms) {
  if (row.parts().empty()) {
    return Ok{};
  }
  std::vector<std::int64_t> keys;
  keys.reserve(row.parts().size());
  for (const auto& p : row.parts()) {
    auto seen = known_parts_.find(p.hash);
    if (seen != known_parts_.end() && seen->second.written_ms >= now_ms - kPartRefreshMs) {
      keys.push_back(seen->second.key); // stored by this store lately: see kPartRefreshMs
      continue;
    }
    if (known_parts_.size() >= kMaxKnownParts) {
      known_parts_.clear();
    }
    for (int attempt = 0;; ++attempt) {
      if (attempt == 64) {
        return Error::internal("request log: no free key for a shared part");
      }
      std::int64_t key = nextKey(now_ms);
      auto stored = db_->execute(insert_part_, {key, p.body});
      if (!stored) {
        return stored.error();
      }
      if (*stored == 1) { // else the key is taken (another writer): the next one
        keys.push_back(key);
        known_parts_[p.hash] = {key, now_ms};
        break;
      }
    }
  }
  row.setPartKeys(keys);
  return Ok{};
}

Result<Ok> LogStore::joinParts(LogRow& row) {
  if (!row.input_parts || !row.input) {
    return Ok{};
  }
  auto keys = parts::parseRefs(*row.input_parts);
  row.input_parts.reset();
  if (!keys) {
    return Ok{}; // not ours: the skeleton is shown as stored
  }
  std::map<std::int64_t, std::optional<std::string>> found;
  std::vector<SqlValue> params;
  std::string marks;
  for (std::size_t i = 0; i < keys->size(); ++i) {
    if (found.emplace((*keys)[i], std::nullopt).second) {
      marks += params.empty() ? "?" : ", ?";
      params.emplace_back((*keys)[i]);
    }
    if (params.size() == 200 || (i + 1 == keys->size() && !params.empty())) {
      auto rows = db_->query(fmt::format("SELECT key, body FROM log_parts WHERE key IN ({})", marks), params);
      if (!rows) {
        return rows.error();
      }
      for (const auto& r : *rows) {
        found[cellInteger(r, 0)] = cellText(r, 1);
      }
      params.clear();
      marks.clear();
    }
  }
  std::vector<const std::string*> bodies;
  bodies.reserve(keys->size());
  for (auto k : *keys) {
    const auto& body = found[k];
    bodies.push_back(body ? &*body : nullptr);
  }
  row.input = parts::join(*row.input, bodies);
  return Ok{};
}

Result<Ok> LogStore::removeOrphanParts(std::int64_t now_ms) {
  const char* sql = db_->dialect() == Dialect::Postgres
                        ? "DELETE FROM log_parts WHERE key < ? AND key NOT IN (SELECT j.h::bigint FROM logs, "
                          "json_array_elements_text(logs.input_parts::json) AS j(h) WHERE logs.input_parts IS NOT NULL)"
                        : "DELETE FROM log_parts WHERE key < ? AND key NOT IN (SELECT j.value FROM logs, "
                          "json_each(logs.input_parts) AS j WHERE logs.input_parts IS NOT NULL)";
  if (auto r = db_->execute(sql, {timeKey(now_ms - 2 * kPartRefreshMs)}); !r) {
    return r.error();
  }
  return Ok{};
}

std::optional<std::int64_t> LogStore::orphanSweepDue() {
  auto due = g_orphan_sweep_due_ms.load();
  return due == 0 ? std::nullopt : std::optional<std::int64_t>(due);
}

Result<Ok> LogStore::sweepOrphanParts() {
  auto due = g_orphan_sweep_due_ms.load();
  auto now_ms = unixNowMs();
  if (due == 0 || now_ms < due) {
    return Ok{};
  }
  if (auto r = removeOrphanParts(now_ms); !r) {
    return r;
  }
  g_orphan_sweep_due_ms.compare_exchange_strong(due, 0);
  return Ok{};
}

Result<Ok> LogStore::removeUnusedParts() {
  // The parts only the removed records used go now, but for the recent ones (a writer may be about to
  // use them again, see kPartRefreshMs): the writer sweeps again once they are old enough.
  auto now_ms = unixNowMs();
  if (auto r = removeOrphanParts(now_ms); !r) {
    return r;
  }
  std::int64_t due = now_ms + 2 * kPartRefreshMs + 1000;
  std::int64_t asked = g_orphan_sweep_due_ms.load();
  while ((asked == 0 || asked < due) && !g_orphan_sweep_due_ms.compare_exchange_weak(asked, due)) {
  }
  return Ok{};
}

} // namespace hd::logs
