// The Logs API's query parameters (untrusted URL text): any bytes, split into name=value pairs, either
// parse into a query whose SQL has exactly one parameter per placeholder, or are refused with a 400.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "logs/query.h"
#include "obs/ids.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  hd::logs::Params params;
  while (!in.empty()) {
    auto amp = in.find('&');
    auto pair = in.substr(0, amp);
    auto eq = pair.find('=');
    params[std::string(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));
    if (amp == std::string_view::npos) {
      break;
    }
    in.remove_prefix(amp + 1);
  }
  auto count = [](const std::string& sql) {
    std::size_t n = 0;
    for (char c : sql) {
      n += c == '?' ? 1 : 0;
    }
    return n;
  };
  if (auto q = hd::logs::parseLogQuery(params)) {
    for (auto d : {hd::logs::Dialect::Sqlite, hd::logs::Dialect::Postgres}) {
      for (auto layout : {hd::logs::Layout::ById, hd::logs::Layout::ByTime}) {
        auto w = hd::logs::logWhere(*q, d, layout);
        if (count(w.sql) != w.params.size() || q->limit < 1 || q->limit > hd::logs::kMaxLimit || q->offset < 0) {
          std::abort();
        }
      }
    }
    (void)hd::logs::logOrderBy(*q);
    (void)hd::logs::logOrderBy(*q, hd::logs::Layout::ByTime);
  } else if (q.error().status != 400) {
    std::abort();
  }
  if (auto q = hd::logs::parseMcpQuery(params)) {
    auto w = hd::logs::mcpWhere(*q, hd::logs::Dialect::Sqlite);
    if (count(w.sql) != w.params.size()) {
      std::abort();
    }
  }
  if (auto t = hd::logs::parseTime(in)) {
    if (*t < 0) {
      std::abort();
    }
  }
  // A record id from the URL (GET /api/logs/{id}): a time only from a request id's form, and its key
  // range is one millisecond.
  std::string_view id(reinterpret_cast<const char*>(data), size);
  if (auto ms = hd::obs::requestIdTimeMs(id)) {
    if (*ms < 0 || id.size() < 18 || id[16] != '-' ||
        hd::logs::timeKey(*ms + 1) - hd::logs::timeKey(*ms) > (std::int64_t{1} << hd::logs::kKeySeqBits)) {
      std::abort();
    }
  }
  return 0;
}
