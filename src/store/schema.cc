#include "store/schema.h"

#include <array>

namespace hd::store {

namespace {
constexpr std::array<std::string_view, 1> kMigrations = {
    // 1: generic configuration entities and the config version counter.
    R"(CREATE TABLE IF NOT EXISTS config_entities (
         kind TEXT NOT NULL,
         id TEXT NOT NULL,
         parent TEXT NOT NULL DEFAULT '',
         body TEXT NOT NULL,
         file_hash TEXT NOT NULL DEFAULT '',
         api_edited INTEGER NOT NULL DEFAULT 0,
         updated_at BIGINT NOT NULL,
         PRIMARY KEY (kind, id));
       INSERT INTO heimdall_meta (key, value) VALUES ('config_version', '0') ON CONFLICT (key) DO NOTHING;)",
};
} // namespace

std::span<const std::string_view> migrations() {
  return kMigrations;
}

} // namespace hd::store
