#include "logs/query.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace hd::logs {

namespace {

constexpr std::size_t kMaxListItems = 200;
constexpr std::size_t kMaxSearch = 1000;

Error bad(std::string_view param, std::string_view what) {
  return Error::invalidRequest(fmt::format("query parameter {}: {}", param, what));
}

Result<std::vector<std::string>> list(std::string_view name, std::string_view v) {
  std::vector<std::string> out;
  while (!v.empty()) {
    auto comma = v.find(',');
    auto item = v.substr(0, comma);
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    while (!item.empty() && item.back() == ' ') {
      item.remove_suffix(1);
    }
    if (!item.empty()) {
      out.emplace_back(item);
    }
    if (comma == std::string_view::npos) {
      break;
    }
    v.remove_prefix(comma + 1);
  }
  if (out.size() > kMaxListItems) {
    return bad(name, fmt::format("at most {} values", kMaxListItems));
  }
  return out;
}

std::optional<std::int64_t> parseInt(std::string_view v) {
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size() || v.empty()) {
    return std::nullopt;
  }
  return out;
}

std::optional<double> parseDouble(std::string_view v) {
  double out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size() || v.empty() || !std::isfinite(out)) {
    return std::nullopt;
  }
  return out;
}

Result<std::optional<double>> nonNegative(const Params& params, std::string_view name) {
  auto it = params.find(std::string(name));
  if (it == params.end() || it->second.empty()) {
    return std::optional<double>();
  }
  auto v = parseDouble(it->second);
  if (!v || *v < 0) {
    return bad(name, "expected a non-negative number");
  }
  return std::optional<double>(*v);
}

Result<std::optional<std::int64_t>> nonNegativeInt(const Params& params, std::string_view name) {
  auto it = params.find(std::string(name));
  if (it == params.end() || it->second.empty()) {
    return std::optional<std::int64_t>();
  }
  auto v = parseInt(it->second);
  if (!v || *v < 0) {
    return bad(name, "expected a non-negative integer");
  }
  return std::optional<std::int64_t>(*v);
}

Result<std::optional<std::int64_t>> time(const Params& params, std::string_view name) {
  auto it = params.find(std::string(name));
  if (it == params.end() || it->second.empty()) {
    return std::optional<std::int64_t>();
  }
  auto v = parseTime(it->second);
  if (!v) {
    return bad(name, "expected an RFC 3339 time (2026-01-31T12:00:00Z) or unix seconds");
  }
  return std::optional<std::int64_t>(*v);
}

// The parameters every list shares: paging, order, time range, content search.
struct Common {
  int limit = 50;
  int offset = 0;
  std::string sort_by = "timestamp";
  bool descending = true;
  std::optional<std::int64_t> start_ms;
  std::optional<std::int64_t> end_ms;
  std::string content_search;
};

Result<Common> common(const Params& params, std::initializer_list<std::string_view> sorts) {
  Common c;
  auto limit = nonNegativeInt(params, "limit");
  if (!limit) {
    return limit.error();
  }
  if (*limit) {
    if (**limit < 1 || **limit > kMaxLimit) {
      return bad("limit", fmt::format("expected 1 to {}", kMaxLimit));
    }
    c.limit = static_cast<int>(**limit);
  }
  auto offset = nonNegativeInt(params, "offset");
  if (!offset) {
    return offset.error();
  }
  if (*offset) {
    if (**offset > 100000000) {
      return bad("offset", "too large");
    }
    c.offset = static_cast<int>(**offset);
  }
  if (auto it = params.find("sort_by"); it != params.end() && !it->second.empty()) {
    bool known = false;
    std::string names;
    for (auto s : sorts) {
      known = known || it->second == s;
      names += names.empty() ? "" : ", ";
      names += s;
    }
    if (!known) {
      return bad("sort_by", fmt::format("expected one of {}", names));
    }
    c.sort_by = it->second;
  }
  if (auto it = params.find("order"); it != params.end() && !it->second.empty()) {
    if (it->second != "asc" && it->second != "desc") {
      return bad("order", "expected asc or desc");
    }
    c.descending = it->second == "desc";
  }
  auto start = time(params, "start_time");
  if (!start) {
    return start.error();
  }
  auto end = time(params, "end_time");
  if (!end) {
    return end.error();
  }
  c.start_ms = *start;
  c.end_ms = *end;
  if (c.start_ms && c.end_ms && *c.start_ms > *c.end_ms) {
    return bad("end_time", "is before start_time");
  }
  if (auto it = params.find("content_search"); it != params.end()) {
    if (it->second.size() > kMaxSearch) {
      return bad("content_search", fmt::format("at most {} characters", kMaxSearch));
    }
    c.content_search = it->second;
  }
  return c;
}

Result<Ok> listParam(const Params& params, std::string_view name, std::vector<std::string>& out) {
  auto it = params.find(std::string(name));
  if (it == params.end()) {
    return Ok{};
  }
  auto l = list(name, it->second);
  if (!l) {
    return l.error();
  }
  out.insert(out.end(), l->begin(), l->end());
  return Ok{};
}

Result<Ok> statuses(const Params& params, std::vector<std::string>& out,
                    std::initializer_list<std::string_view> allowed) {
  if (auto r = listParam(params, "status", out); !r) {
    return r;
  }
  for (const auto& s : out) {
    bool ok = false;
    std::string names;
    for (auto a : allowed) {
      ok = ok || s == a;
      names += names.empty() ? "" : ", ";
      names += a;
    }
    if (!ok) {
      return bad("status", fmt::format("unknown status \"{}\" (expected {})", s, names));
    }
  }
  return Ok{};
}

// Days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) {
    return false;
  }
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

} // namespace

std::optional<std::int64_t> parseTime(std::string_view s) {
  if (s.empty() || s.size() > 40) {
    return std::nullopt;
  }
  if (s.find('-') == std::string_view::npos || s.front() == '-') {
    // Unix seconds, possibly fractional.
    auto v = parseDouble(s);
    if (!v || *v < 0 || *v > 253402300799.0) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(std::llround(*v * 1000.0));
  }
  int y = 0;
  int mo = 0;
  int d = 0;
  int h = 0;
  int mi = 0;
  int sec = 0;
  if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    std::int64_t scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      ms += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) {
      return std::nullopt;
    }
  }
  std::int64_t offset_min = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0;
    int om = 0;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om) ||
        oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_min = (s[pos] == '-' ? -1 : 1) * (oh * 60 + om);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) {
    return std::nullopt;
  }
  std::int64_t days = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  std::int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60;
  if (secs < 0) {
    return std::nullopt;
  }
  return secs * 1000 + ms;
}

std::string formatTime(std::int64_t unix_ms) {
  std::int64_t secs = unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000;
  auto ms = static_cast<int>(unix_ms - secs * 1000);
  std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  std::int64_t rem = secs - days * 86400;
  // civil_from_days
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2 ? 1 : 0;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", y, m, d, rem / 3600, (rem / 60) % 60, rem % 60, ms);
}

Result<LogQuery> parseLogQuery(const Params& params) {
  LogQuery q;
  auto c = common(params, {"timestamp", "latency", "tokens", "cost"});
  if (!c) {
    return c.error();
  }
  q.limit = c->limit;
  q.offset = c->offset;
  q.sort_by = c->sort_by;
  q.descending = c->descending;
  q.start_ms = c->start_ms;
  q.end_ms = c->end_ms;
  q.content_search = c->content_search;
  for (auto [name, dst] : {std::pair{"providers", &q.providers}, std::pair{"models", &q.models},
                           std::pair{"virtual_key_ids", &q.virtual_key_ids}, std::pair{"objects", &q.objects},
                           std::pair{"selected_key_ids", &q.key_ids}}) {
    if (auto r = listParam(params, name, *dst); !r) {
      return r.error();
    }
  }
  if (auto r = statuses(params, q.statuses, {"success", "error"}); !r) {
    return r.error();
  }
  for (auto [name, dst] : {std::pair{"min_latency", &q.min_latency}, std::pair{"max_latency", &q.max_latency},
                           std::pair{"min_cost", &q.min_cost}, std::pair{"max_cost", &q.max_cost}}) {
    auto v = nonNegative(params, name);
    if (!v) {
      return v.error();
    }
    *dst = *v;
  }
  for (auto [name, dst] : {std::pair{"min_tokens", &q.min_tokens}, std::pair{"max_tokens", &q.max_tokens}}) {
    auto v = nonNegativeInt(params, name);
    if (!v) {
      return v.error();
    }
    *dst = *v;
  }
  if (q.min_latency && q.max_latency && *q.min_latency > *q.max_latency) {
    return bad("max_latency", "is below min_latency");
  }
  if (q.min_tokens && q.max_tokens && *q.min_tokens > *q.max_tokens) {
    return bad("max_tokens", "is below min_tokens");
  }
  if (q.min_cost && q.max_cost && *q.min_cost > *q.max_cost) {
    return bad("max_cost", "is below min_cost");
  }
  auto bucket = nonNegativeInt(params, "bucket_seconds");
  if (!bucket) {
    return bucket.error();
  }
  if (*bucket) {
    if (**bucket < 1 || **bucket > 366 * 86400) {
      return bad("bucket_seconds", "expected 1 to 31622400");
    }
    q.bucket_seconds = *bucket;
  }
  if (auto it = params.find("group_by"); it != params.end() && !it->second.empty()) {
    if (it->second != "provider" && it->second != "model") {
      return bad("group_by", "expected provider or model");
    }
    q.group_by = it->second;
  }
  return q;
}

Result<McpQuery> parseMcpQuery(const Params& params) {
  McpQuery q;
  auto c = common(params, {"timestamp", "latency"});
  if (!c) {
    return c.error();
  }
  q.limit = c->limit;
  q.offset = c->offset;
  q.sort_by = c->sort_by;
  q.descending = c->descending;
  q.start_ms = c->start_ms;
  q.end_ms = c->end_ms;
  q.content_search = c->content_search;
  for (auto [name, dst] :
       {std::pair{"tool_names", &q.tool_names}, std::pair{"client_names", &q.client_names},
        std::pair{"server_labels", &q.client_names}, std::pair{"virtual_key_ids", &q.virtual_key_ids}}) {
    if (auto r = listParam(params, name, *dst); !r) {
      return r.error();
    }
  }
  if (auto r = statuses(params, q.statuses, {"success", "error", "denied"}); !r) {
    return r.error();
  }
  return q;
}

std::string likePattern(std::string_view text) {
  std::string out = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') {
      out.push_back('\\');
    }
    out.push_back(ch);
  }
  out.push_back('%');
  return out;
}

namespace {

class Builder {
public:
  explicit Builder(Dialect d) : d_(d) {}

  void in(std::string_view column, const std::vector<std::string>& values) {
    if (values.empty()) {
      return;
    }
    std::string clause = fmt::format("{} IN (", column);
    for (std::size_t i = 0; i < values.size(); ++i) {
      clause += i == 0 ? "?" : ", ?";
      w_.params.emplace_back(values[i]);
    }
    clause += ")";
    add(clause);
  }
  template <class T> void cmp(std::string_view column, std::string_view op, const std::optional<T>& v) {
    if (v) {
      add(fmt::format("{} {} ?", column, op));
      w_.params.emplace_back(*v);
    }
  }
  // `parts`: the request body may be split (logs/parts.h): its shared parts are searched too. The parts
  // that match are found once; a row matches when its list names one of them.
  void search(std::initializer_list<std::string_view> columns, const std::string& text, bool parts = false) {
    if (text.empty()) {
      return;
    }
    std::string clause = "(";
    auto pattern = likePattern(text);
    std::string_view like = d_ == Dialect::Postgres ? "ILIKE" : "LIKE";
    bool first = true;
    for (auto c : columns) {
      clause += first ? "" : " OR ";
      first = false;
      clause += fmt::format("{} {} ? ESCAPE '\\'", c, like);
      w_.params.emplace_back(pattern);
    }
    if (parts) {
      clause += fmt::format(
          " OR (input_parts IS NOT NULL AND EXISTS (SELECT 1 FROM {} WHERE {} IN (SELECT key FROM log_parts WHERE "
          "body {} ? ESCAPE '\\')))",
          d_ == Dialect::Postgres ? "json_array_elements_text(input_parts::json) AS j(h)"
                                  : "json_each(input_parts) AS j",
          d_ == Dialect::Postgres ? "j.h::bigint" : "j.value", like);
      w_.params.emplace_back(pattern);
    }
    clause += ")";
    add(clause);
  }
  Where done() { return std::move(w_); }

private:
  void add(const std::string& clause) {
    w_.sql += w_.sql.empty() ? " WHERE " : " AND ";
    w_.sql += clause;
  }
  Dialect d_;
  Where w_;
};

std::string order(std::string_view column, bool nullable, bool descending, std::string_view tie = "id") {
  std::string dir = descending ? "DESC" : "ASC";
  if (nullable) {
    // NULLs (unpriced requests) last in either direction, the same in SQLite and PostgreSQL.
    return fmt::format(" ORDER BY ({} IS NULL) ASC, {} {}, {} {}", column, column, dir, tie, dir);
  }
  return fmt::format(" ORDER BY {} {}, {} {}", column, dir, tie, dir);
}

} // namespace

Where logWhere(const LogQuery& q, Dialect d, Layout layout) {
  Builder b(d);
  if (layout == Layout::ByTime) {
    // The key range selects the rows of the time range without a scan; `ts` below keeps it exact.
    if (q.start_ms) {
      b.cmp("key", ">=", std::optional<std::int64_t>(timeKey(*q.start_ms)));
    }
    if (q.end_ms) {
      auto end = std::min(*q.end_ms, std::numeric_limits<std::int64_t>::max() - 1) + 1;
      b.cmp("key", "<", std::optional<std::int64_t>(timeKey(end)));
    }
  }
  b.in("provider", q.providers);
  b.in("model", q.models);
  b.in("status", q.statuses);
  b.in("vk_id", q.virtual_key_ids);
  b.in("object", q.objects);
  b.in("key_id", q.key_ids);
  b.cmp("ts", ">=", q.start_ms);
  b.cmp("ts", "<=", q.end_ms);
  b.cmp("latency", ">=", q.min_latency);
  b.cmp("latency", "<=", q.max_latency);
  b.cmp("total_tokens", ">=", q.min_tokens);
  b.cmp("total_tokens", "<=", q.max_tokens);
  b.cmp("cost", ">=", q.min_cost);
  b.cmp("cost", "<=", q.max_cost);
  b.search({"input", "output", "error"}, q.content_search, true);
  return b.done();
}

std::string logOrderBy(const LogQuery& q, Layout layout) {
  std::string_view tie = layout == Layout::ByTime ? "key" : "id";
  if (q.sort_by == "latency") {
    return order("latency", false, q.descending, tie);
  }
  if (q.sort_by == "tokens") {
    return order("total_tokens", false, q.descending, tie);
  }
  if (q.sort_by == "cost") {
    return order("cost", true, q.descending, tie);
  }
  if (layout == Layout::ByTime) {
    return q.descending ? " ORDER BY key DESC" : " ORDER BY key ASC";
  }
  return order("ts", false, q.descending);
}

Where mcpWhere(const McpQuery& q, Dialect d) {
  Builder b(d);
  b.in("tool", q.tool_names);
  b.in("client", q.client_names);
  b.in("status", q.statuses);
  b.in("vk_id", q.virtual_key_ids);
  b.cmp("ts", ">=", q.start_ms);
  b.cmp("ts", "<=", q.end_ms);
  b.search({"arguments", "result", "error"}, q.content_search);
  return b.done();
}

std::string mcpOrderBy(const McpQuery& q) {
  return q.sort_by == "latency" ? order("latency", false, q.descending) : order("ts", false, q.descending);
}

} // namespace hd::logs
