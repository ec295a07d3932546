#include "obs/metrics.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <thread>

#include "config/loader.h"

namespace hd::obs {
namespace {

// Sample lines of the exposition: "name{labels}" -> value.
std::map<std::string, double> samples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    auto sp = line.rfind(' ');
    out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
  }
  return out;
}

double find(const std::map<std::string, double>& s, const std::string& name, const std::string& has = "") {
  double total = 0;
  bool any = false;
  for (const auto& [k, v] : s) {
    if ((k == name || k.starts_with(name + "{")) && k.find(has) != std::string::npos) {
      total += v;
      any = true;
    }
  }
  return any ? total : -1;
}

config::Snapshot snapshotWith(const std::string& json) {
  auto cfg = config::fromText(json, [](const std::string&) { return std::nullopt; });
  EXPECT_TRUE(cfg) << (cfg ? "" : cfg.error().message);
  return config::Snapshot(std::make_shared<const config::Config>(cfg ? *cfg : config::Config{}));
}

std::shared_ptr<RequestRecord> record() {
  auto r = std::make_shared<RequestRecord>();
  r->inbound = "anthropic.messages";
  r->provider = "anthropic";
  r->model = "claude-sonnet-4-5";
  r->status_code = 200;
  r->latency_ms = 250;
  r->usage.input_tokens = 100;
  r->usage.output_tokens = 20;
  r->usage.cache_read_input_tokens = 40;
  r->cost_usd = 0.25;
  r->priced = true;
  AttemptRecord a;
  a.provider = "anthropic";
  a.model = "claude-sonnet-4-5";
  a.status = 200;
  r->attempts.push_back(a);
  return r;
}

TEST(Metrics, CountsRequestsTokensCostAndCacheHits) {
  auto snap = snapshotWith(R"({"client":{"prometheus_labels":["team"]}})");
  Metrics m(snap);
  auto r = record();
  r->labels.emplace_back("team", "core");
  m.onRequest(r);
  m.onRequest(r);
  auto err = record();
  err->status_code = 429;
  err->error = "rate limited";
  err->usage = {};
  err->priced = false;
  m.onRequest(err);

  auto s = samples(m.render());
  EXPECT_EQ(find(s, "bifrost_upstream_requests_total"), 3);
  EXPECT_EQ(find(s, "bifrost_success_requests_total", "team=\"core\""), 2);
  EXPECT_EQ(find(s, "bifrost_error_requests_total", "status_code=\"429\""), 1);
  EXPECT_EQ(find(s, "bifrost_input_tokens_total"), 200);
  EXPECT_EQ(find(s, "bifrost_output_tokens_total"), 40);
  EXPECT_EQ(find(s, "bifrost_cache_hits_total", "cache_type=\"prompt\""), 2);
  EXPECT_EQ(find(s, "heimdall_cache_read_tokens_total"), 80);
  EXPECT_DOUBLE_EQ(find(s, "bifrost_cost_total"), 0.5);
  EXPECT_EQ(find(s, "bifrost_upstream_latency_seconds_count", "is_success=\"false\""), 1);
  EXPECT_EQ(find(s, "bifrost_upstream_latency_seconds_bucket", "le=\"0.25\""), 3);
  EXPECT_EQ(find(s, "bifrost_upstream_latency_seconds_bucket", "le=\"0.1\""), 0);
  EXPECT_EQ(find(s, "heimdall_upstream_attempt_results_total", "status_code=\"200\""), 3);
}

TEST(Metrics, StreamLatencies) {
  auto snap = snapshotWith("{}");
  Metrics m(snap);
  auto r = record();
  r->stream = true;
  r->ttft_ms = 300;
  r->chunk_gaps_ms = {4, 8, 40};
  m.onRequest(r);
  auto s = samples(m.render());
  EXPECT_EQ(find(s, "bifrost_stream_first_token_latency_seconds_count"), 1);
  EXPECT_DOUBLE_EQ(find(s, "bifrost_stream_first_token_latency_seconds_sum"), 0.3);
  EXPECT_EQ(find(s, "bifrost_stream_inter_token_latency_seconds_count"), 3);
  EXPECT_EQ(find(s, "bifrost_stream_inter_token_latency_seconds_bucket", "le=\"0.005\""), 1);
  EXPECT_EQ(find(s, "bifrost_stream_inter_token_latency_seconds_bucket", "le=\"0.01\""), 2);
  EXPECT_NEAR(find(s, "bifrost_stream_inter_token_latency_seconds_sum"), 0.052, 1e-6);
}

TEST(Metrics, CapsLabelSetsIntoAnOverflowSeries) {
  auto snap = snapshotWith(R"({"client":{"prometheus_labels":["user"]}})");
  Metrics m(snap, 3);
  for (int i = 0; i < 5; ++i) {
    auto r = record();
    r->labels.emplace_back("user", "u" + std::to_string(i));
    m.onRequest(r);
  }
  auto s = samples(m.render());
  int series = 0;
  for (const auto& [k, v] : s) {
    series += k.starts_with("bifrost_success_requests_total{") ? 1 : 0;
  }
  EXPECT_EQ(series, 4); // 3 + the overflow series
  EXPECT_EQ(find(s, "bifrost_success_requests_total", "user=\"__overflow__\""), 2);
  EXPECT_EQ(find(s, "heimdall_metrics_series_overflow_total", "metric=\"bifrost_success_requests_total\""), 2);
}

TEST(Metrics, HttpAndMcpAndCallbacks) {
  auto snap = snapshotWith("{}");
  Metrics m(snap);
  http::AccessRecord a{"GET", "/health", 200, std::chrono::microseconds(1500), "id", 0, 15, "/health"};
  m.onHttp(a);
  m.onHttp(a);
  http::AccessRecord missing{"GET", "/random/scan", 404, std::chrono::microseconds(10), "id2", 0, 10, ""};
  http::AccessRecord log{"GET", "/api/logs/abc", 404, std::chrono::microseconds(10), "id3", 0, 10, "/api/logs/{id}"};
  m.onHttp(log);
  m.onHttp(missing);
  auto call = std::make_shared<McpCallRecord>();
  call->client = "files";
  call->tool = "read";
  call->status = "success";
  call->latency_ms = 12;
  m.onMcpCall(call);
  double dropped = 7;
  m.addCallbackCounter("heimdall_log_dropped_records_total", "dropped", [&] { return dropped; });
  auto text = m.render();
  auto s = samples(text);
  EXPECT_EQ(find(s, "http_requests_total", "path=\"/health\""), 2);
  EXPECT_EQ(find(s, "http_requests_total", "path=\"__unmatched__\""), 1);
  EXPECT_EQ(find(s, "http_requests_total", "path=\"/api/logs/{id}\""), 1);
  EXPECT_EQ(find(s, "http_request_duration_seconds_count", "/health"), 2);
  EXPECT_EQ(find(s, "http_response_size_bytes_sum", "/health"), 30);
  EXPECT_EQ(find(s, "heimdall_mcp_tool_calls_total", "tool=\"read\""), 1);
  EXPECT_EQ(find(s, "heimdall_log_dropped_records_total"), 7);
  EXPECT_NE(text.find("# TYPE heimdall_log_dropped_records_total counter"), std::string::npos);
  EXPECT_NE(text.find("# TYPE heimdall_upstream_retries_total counter"), std::string::npos);
}

TEST(Metrics, ConcurrentUpdatesAddUp) {
  auto snap = snapshotWith("{}");
  Metrics m(snap);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        m.onRequest(record());
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  auto s = samples(m.render());
  EXPECT_EQ(find(s, "bifrost_success_requests_total"), 2000);
  EXPECT_EQ(find(s, "bifrost_input_tokens_total"), 200000);
}

TEST(Metrics, LabelValuesAreEscaped) {
  auto snap = snapshotWith(R"({"client":{"prometheus_labels":["note"]}})");
  Metrics m(snap);
  auto r = record();
  r->labels.emplace_back("note", "a\"b\\c\nd");
  m.onRequest(r);
  EXPECT_NE(m.render().find(R"(note="a\"b\\c\nd")"), std::string::npos);
}

} // namespace
} // namespace hd::obs
