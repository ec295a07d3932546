#pragma once
// The config store's schema, as an ordered list of migrations. A store records the number of
// migrations applied in heimdall_meta("schema_version") and applies the rest in one transaction.
// The SQL is written in the subset SQLite and PostgreSQL share.

#include <span>
#include <string_view>

namespace hd::store {

std::span<const std::string_view> migrations();

} // namespace hd::store
