#include "logs/render.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace hd::logs {

namespace js = boost::json;

namespace {

js::value optString(const std::optional<std::string>& s) {
  return s ? js::value(*s) : js::value(nullptr);
}

// Stored JSON text as a JSON value (a string when it is not JSON: a cut-off capture).
js::value jsonOrString(const std::optional<std::string>& s) {
  if (!s) {
    return nullptr;
  }
  boost::system::error_code ec;
  auto v = js::parse(*s, ec);
  if (ec) {
    return js::value(*s);
  }
  return v;
}

double round3(double v) {
  return std::round(v * 1000.0) / 1000.0;
}

// One stored attempt in full: the writer leaves out the fields equal to the record's own (row.cc).
js::object attemptJson(const js::object& a, const LogRow& r) {
  js::object o;
  auto field = [&](std::string_view name, js::value fallback) {
    const auto* v = a.if_contains(name);
    o[name] = v != nullptr ? *v : std::move(fallback);
  };
  field("provider", js::value(r.provider));
  field("model", js::value(r.served_model));
  field("deployment", js::value(r.deployment));
  field("key_id", js::value(r.key_id));
  field("key_name", js::value(r.key_name));
  field("retry", js::value(0));
  field("fallback_index", js::value(r.fallback_index));
  field("status", js::value(r.status_code));
  field("error", js::value(nullptr));
  field("started_at", js::value(r.ts_ms));
  if (auto* t = o.if_contains("started_at"); t->is_int64()) {
    *t = formatTime(t->get_int64());
  }
  field("latency", js::value(0.0));
  return o;
}

} // namespace

js::object entryJson(const LogRow& r) {
  js::object o;
  o["id"] = r.id;
  o["timestamp"] = formatTime(r.ts_ms);
  o["object"] = r.object;
  o["provider"] = r.provider;
  o["model"] = r.model;
  o["served_model"] = r.served_model;
  o["deployment"] = r.deployment;
  o["selected_key_id"] = r.key_id;
  o["selected_key_name"] = r.key_name;
  o["virtual_key_id"] = r.vk_id;
  o["virtual_key_name"] = r.vk_name;
  o["team_id"] = r.team_id;
  o["team_name"] = r.team_name;
  o["customer_id"] = r.customer_id;
  o["customer_name"] = r.customer_name;
  o["number_of_retries"] = r.retries;
  o["fallback_index"] = r.fallback_index;
  o["status"] = r.status;
  o["status_code"] = r.status_code;
  o["error_details"] = optString(r.error);
  o["latency"] = round3(r.latency_ms);
  o["time_to_first_token"] = r.ttft_ms ? js::value(round3(*r.ttft_ms)) : js::value(nullptr);
  o["stream"] = r.stream;
  o["stop_reason"] = r.stop_reason;
  o["prompt_tokens"] = r.prompt_tokens;
  o["completion_tokens"] = r.completion_tokens;
  o["cached_read_tokens"] = r.cache_read_tokens;
  o["cached_write_tokens"] = r.cache_write_tokens;
  o["total_tokens"] = r.total_tokens;
  o["cost"] = r.cost ? js::value(*r.cost) : js::value(nullptr);
  o["trace_id"] = r.trace_id;
  return o;
}

js::object detailJson(const LogRow& r) {
  js::object o = entryJson(r);
  o["input"] = jsonOrString(r.input);
  o["output"] = jsonOrString(r.output);
  if (r.output_raw) {
    o["output_raw"] = *r.output_raw;
  }
  auto stored = jsonOrString(r.attempts);
  js::array attempts;
  if (stored.is_array()) {
    for (const auto& a : stored.get_array()) {
      if (a.is_object()) {
        attempts.push_back(attemptJson(a.get_object(), r));
      }
    }
  }
  o["attempts"] = std::move(attempts);
  auto labels = jsonOrString(r.labels);
  o["labels"] = labels.is_object() ? std::move(labels) : js::value(js::object());
  return o;
}

js::object mcpEntryJson(const McpRow& r) {
  js::object o;
  o["id"] = r.id;
  o["timestamp"] = formatTime(r.ts_ms);
  o["client"] = r.client;
  o["tool"] = r.tool;
  o["session_id"] = r.session_id;
  o["virtual_key_id"] = r.vk_id;
  o["virtual_key_name"] = r.vk_name;
  o["status"] = r.status;
  o["error_details"] = optString(r.error);
  o["latency"] = round3(r.latency_ms);
  o["arguments"] = jsonOrString(r.arguments);
  o["result"] = jsonOrString(r.result);
  o["trace_id"] = r.trace_id;
  return o;
}

namespace {
// The counts and latencies both stats answers share, under their own name for the total.
js::object commonStats(const LogStats& s, const char* total_name) {
  js::object o;
  o[total_name] = s.total;
  o["success_count"] = s.success;
  o["error_count"] = s.errors;
  o["success_rate"] = s.total > 0 ? round3(100.0 * static_cast<double>(s.success) / static_cast<double>(s.total)) : 0.0;
  o["average_latency"] = round3(s.average_latency);
  o["p50_latency"] = round3(s.p50_latency);
  o["p95_latency"] = round3(s.p95_latency);
  o["p99_latency"] = round3(s.p99_latency);
  return o;
}
} // namespace

js::object statsJson(const LogStats& s) {
  js::object o = commonStats(s, "total_requests");
  o["total_tokens"] = s.total_tokens;
  o["total_prompt_tokens"] = s.prompt_tokens;
  o["total_completion_tokens"] = s.completion_tokens;
  o["total_cost"] = s.cost;
  return o;
}

js::object mcpStatsJson(const LogStats& s) {
  return commonStats(s, "total_executions");
}

js::object filterDataJson(const FilterData& f) {
  js::object o;
  auto strings = [](const std::vector<std::string>& v) {
    js::array a;
    for (const auto& s : v) {
      a.push_back(js::value(s));
    }
    return a;
  };
  o["providers"] = strings(f.providers);
  o["models"] = strings(f.models);
  js::array vks;
  for (const auto& [id, name] : f.virtual_keys) {
    vks.push_back(js::object{{"id", id}, {"name", name}});
  }
  o["virtual_keys"] = std::move(vks);
  o["objects"] = strings(f.objects);
  return o;
}

namespace {

// A bucket width giving at most ~120 buckets over `range_ms`.
std::int64_t defaultBucket(std::int64_t range_ms) {
  for (std::int64_t s : {60LL, 300LL, 900LL, 3600LL, 6 * 3600LL, 86400LL, 7 * 86400LL}) {
    if (range_ms / (s * 1000) <= 120) {
      return s;
    }
  }
  return 30 * 86400LL;
}

struct Agg {
  std::int64_t requests = 0;
  std::int64_t errors = 0;
  std::int64_t prompt = 0;
  std::int64_t completion = 0;
  std::int64_t tokens = 0;
  double cost = 0;
  double latency_sum = 0;
  std::vector<double> latencies;
};

double p95(std::vector<double>& v) {
  if (v.empty()) {
    return 0;
  }
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

} // namespace

Result<js::object> histogramJson(const std::vector<Point>& points, const LogQuery& q) {
  std::int64_t first = q.start_ms ? *q.start_ms : (points.empty() ? 0 : points.front().ts_ms);
  std::int64_t last = q.end_ms ? *q.end_ms : (points.empty() ? first : points.back().ts_ms);
  std::int64_t bucket_s = q.bucket_seconds ? *q.bucket_seconds : defaultBucket(last - first);
  std::int64_t width = bucket_s * 1000;
  js::object out;
  out["bucket_seconds"] = bucket_s;
  out["group_by"] = q.group_by;
  js::array buckets;
  if (points.empty() && !(q.start_ms && q.end_ms)) {
    out["buckets"] = std::move(buckets);
    return out;
  }
  std::int64_t lo = first - (first % width);
  std::int64_t hi = last - (last % width);
  if ((hi - lo) / width + 1 > kMaxBuckets) {
    return Error::invalidRequest(fmt::format(
        "query parameter bucket_seconds: the time range needs more than {} buckets of {} s", kMaxBuckets, bucket_s));
  }
  std::map<std::int64_t, std::pair<Agg, std::map<std::string, Agg>>> by_bucket;
  for (const auto& p : points) {
    std::int64_t b = p.ts_ms - (p.ts_ms % width);
    auto& [agg, groups] = by_bucket[b];
    auto& g = groups[q.group_by == "model" ? p.model : p.provider];
    for (Agg* a : {&agg, &g}) {
      a->requests++;
      a->errors += p.error ? 1 : 0;
      a->prompt += p.prompt_tokens;
      a->completion += p.completion_tokens;
      a->tokens += p.total_tokens;
      a->cost += p.cost;
      a->latency_sum += p.latency;
    }
    agg.latencies.push_back(p.latency);
  }
  for (std::int64_t b = lo; b <= hi; b += width) {
    js::object o;
    o["timestamp"] = formatTime(b);
    auto it = by_bucket.find(b);
    Agg empty;
    Agg& agg = it != by_bucket.end() ? it->second.first : empty;
    o["requests"] = agg.requests;
    o["errors"] = agg.errors;
    o["prompt_tokens"] = agg.prompt;
    o["completion_tokens"] = agg.completion;
    o["total_tokens"] = agg.tokens;
    o["cost"] = agg.cost;
    o["average_latency"] = agg.requests > 0 ? round3(agg.latency_sum / static_cast<double>(agg.requests)) : 0.0;
    o["p95_latency"] = round3(p95(agg.latencies));
    js::object groups;
    if (it != by_bucket.end()) {
      for (const auto& [name, g] : it->second.second) {
        groups[name] = js::object{{"requests", g.requests},
                                  {"errors", g.errors},
                                  {"tokens", g.tokens},
                                  {"cost", g.cost},
                                  {"average_latency", round3(g.latency_sum / static_cast<double>(g.requests))}};
      }
    }
    o["groups"] = std::move(groups);
    buckets.push_back(std::move(o));
  }
  out["buckets"] = std::move(buckets);
  return out;
}

} // namespace hd::logs
