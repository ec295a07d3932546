#include "config/telemetry_loader.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace hd::config {

namespace js = boost::json;
using detail::fail;

namespace {

bool validLabelName(std::string_view n) {
  if (n.empty() || n.starts_with("__")) {
    return false;
  }
  for (std::size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) {
      return false;
    }
  }
  return true;
}

void addLabels(detail::Reader& r, const js::value& v, const std::string& path, Telemetry& t) {
  auto names = r.stringArray(v, path);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& n = names[i];
    std::string at = fmt::format("{}[{}]", path, i);
    if (!validLabelName(n)) {
      fail(at, fmt::format("\"{}\" is not a valid Prometheus label name (letters, digits and _, not starting with "
                           "a digit or __)",
                           n));
    }
    if (std::find(kRequestLabelNames.begin(), kRequestLabelNames.end(), n) != kRequestLabelNames.end()) {
      fail(at, fmt::format("\"{}\" is a built-in label of the request metrics", n));
    }
    if (std::find(t.custom_labels.begin(), t.custom_labels.end(), n) == t.custom_labels.end()) {
      t.custom_labels.push_back(n);
    }
  }
  if (t.custom_labels.size() > 16) {
    fail(path, "at most 16 custom labels");
  }
}

// A whole number in [1, max] (milliseconds, or a count).
std::chrono::milliseconds positiveMs(detail::Reader& r, const js::value& v, const std::string& path, std::int64_t max) {
  auto n = r.nonNegativeInt(v, path);
  if (n == 0 || n > max) {
    fail(path, fmt::format("expected a whole number between 1 and {}", max));
  }
  return std::chrono::milliseconds(n);
}

void parseOtel(detail::Reader& r, const js::value& v, const std::string& path, OtelConfig& o) {
  const auto& obj = r.object(v, path);
  detail::checkKnownFields(obj, path,
                           {"service_name", "collector_url", "headers", "trace_type", "protocol", "tls_ca_cert",
                            "insecure", "metrics_enabled", "metrics_endpoint", "metrics_push_interval",
                            "export_interval_ms", "batch_size", "queue_size", "timeout_ms"});
  if (const auto* x = obj.if_contains("protocol")) {
    auto p = r.string(*x, path + ".protocol");
    if (p != "http") {
      fail(path + ".protocol",
           fmt::format("\"{}\" is not supported: Heimdall exports traces over OTLP/HTTP with JSON encoding only "
                       "(use \"http\")",
                       p));
    }
  }
  if (const auto* x = obj.if_contains("metrics_enabled"); x != nullptr && r.boolean(*x, path + ".metrics_enabled")) {
    fail(path + ".metrics_enabled", "OTLP metrics push is not supported; scrape GET /metrics (Prometheus) instead");
  }
  if (const auto* x = obj.if_contains("service_name")) {
    o.service_name = r.string(*x, path + ".service_name");
    if (o.service_name.empty()) {
      fail(path + ".service_name", "must not be empty");
    }
  }
  const auto* url = obj.if_contains("collector_url");
  if (url == nullptr) {
    fail(path + ".collector_url", "required (the OTLP/HTTP endpoint, e.g. http://otel-collector:4318)");
  }
  o.collector_url = r.string(*url, path + ".collector_url");
  while (!o.collector_url.empty() && o.collector_url.back() == '/') {
    o.collector_url.pop_back();
  }
  if (o.collector_url.ends_with("/v1/traces")) {
    o.collector_url.resize(o.collector_url.size() - 10);
  }
  if (!(o.collector_url.starts_with("http://") && o.collector_url.size() > 7) &&
      !(o.collector_url.starts_with("https://") && o.collector_url.size() > 8)) {
    fail(path + ".collector_url", "expected an http:// or https:// URL (the OTLP/HTTP endpoint)");
  }
  if (const auto* x = obj.if_contains("headers")) {
    for (const auto& kv : r.object(*x, path + ".headers")) {
      std::string name(kv.key());
      auto at = fmt::format("{}.headers.{}", path, name);
      if (name.empty() || name.find_first_of(" :\r\n\t") != std::string::npos) {
        fail(at, "invalid header name");
      }
      auto value = r.secret(kv.value(), at);
      if (value.find_first_of("\r\n") != std::string::npos) {
        fail(at, "header values must not contain line breaks");
      }
      o.headers[name] = std::move(value);
    }
  }
  if (const auto* x = obj.if_contains("trace_type")) {
    o.trace_type = r.string(*x, path + ".trace_type");
    if (o.trace_type != "genai_extension" && o.trace_type != "otel") {
      fail(path + ".trace_type",
           fmt::format("\"{}\" is not supported (expected \"genai_extension\": GenAI semantic conventions)",
                       o.trace_type));
    }
  }
  if (const auto* x = obj.if_contains("tls_ca_cert")) {
    o.tls_ca_cert = r.string(*x, path + ".tls_ca_cert");
  }
  if (const auto* x = obj.if_contains("insecure")) {
    o.insecure = r.boolean(*x, path + ".insecure");
  }
  if (const auto* x = obj.if_contains("export_interval_ms")) {
    o.export_interval = positiveMs(r, *x, path + ".export_interval_ms", 600'000);
  }
  if (const auto* x = obj.if_contains("timeout_ms")) {
    o.timeout = positiveMs(r, *x, path + ".timeout_ms", 600'000);
  }
  if (const auto* x = obj.if_contains("batch_size")) {
    o.batch_size = static_cast<std::size_t>(positiveMs(r, *x, path + ".batch_size", 10'000).count());
  }
  if (const auto* x = obj.if_contains("queue_size")) {
    o.queue_size = static_cast<std::size_t>(positiveMs(r, *x, path + ".queue_size", 1'000'000).count());
  }
  o.enabled = true;
}

} // namespace

void parseTelemetry(detail::Reader& r, const js::object& root, Telemetry& t) {
  if (const auto* c = root.if_contains("client"); c != nullptr && c->is_object()) {
    if (const auto* x = c->get_object().if_contains("prometheus_labels"); x != nullptr && !x->is_null()) {
      addLabels(r, *x, "client.prometheus_labels", t);
    }
  }
  const auto* plugins = root.if_contains("plugins");
  if (plugins == nullptr || plugins->is_null()) {
    return;
  }
  if (!plugins->is_array()) {
    fail("plugins", "expected an array of {\"enabled\", \"name\", \"config\"} entries");
  }
  bool otel_seen = false;
  std::size_t i = 0;
  for (const auto& e : plugins->get_array()) {
    std::string path = fmt::format("plugins[{}]", i++);
    const auto& obj = r.object(e, path);
    const auto* name_v = obj.if_contains("name");
    if (name_v == nullptr) {
      fail(path + ".name", "required");
    }
    auto name = r.string(*name_v, path + ".name");
    bool enabled = true;
    if (const auto* x = obj.if_contains("enabled")) {
      enabled = r.boolean(*x, path + ".enabled");
    }
    const js::value* cfg = obj.if_contains("config");
    if (name == "otel") {
      if (otel_seen) {
        fail(path, "only one \"otel\" plugin entry is allowed");
      }
      otel_seen = true;
      if (!enabled) {
        continue;
      }
      if (cfg == nullptr) {
        fail(path + ".config", "required (service_name, collector_url, ...)");
      }
      parseOtel(r, *cfg, path + ".config", t.otel);
    } else if (name == "telemetry") {
      if (!enabled || cfg == nullptr || cfg->is_null()) {
        continue;
      }
      const auto& c = r.object(*cfg, path + ".config");
      if (const auto* x = c.if_contains("custom_labels"); x != nullptr && !x->is_null()) {
        addLabels(r, *x, path + ".config.custom_labels", t);
      }
      if (const auto* x = c.if_contains("max_label_sets")) {
        t.max_label_sets =
            static_cast<std::size_t>(positiveMs(r, *x, path + ".config.max_label_sets", 1'000'000).count());
      }
    } else {
      spdlog::warn("config: plugin \"{}\" ({}) is not supported by Heimdall and is ignored", name, path);
    }
  }
}

} // namespace hd::config
