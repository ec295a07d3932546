#pragma once
// Metrics and tracing settings: `client.prometheus_labels` and the `plugins` entries Heimdall runs
// ("telemetry": Prometheus custom labels; "otel": OTLP/HTTP JSON trace export), in Bifrost's shape.

#include <array>
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace hd::config {

// The labels of every request-level metric (Bifrost's names); custom labels may not reuse them.
inline constexpr std::array<const char*, 13> kRequestLabelNames = {"provider",
                                                                   "model",
                                                                   "method",
                                                                   "virtual_key_id",
                                                                   "virtual_key_name",
                                                                   "selected_key_id",
                                                                   "selected_key_name",
                                                                   "number_of_retries",
                                                                   "fallback_index",
                                                                   "team_id",
                                                                   "team_name",
                                                                   "customer_id",
                                                                   "customer_name"};

struct OtelConfig {
  bool enabled = false;
  std::string service_name = "heimdall";
  std::string collector_url; // OTLP/HTTP base URL; traces go to <collector_url>/v1/traces
  std::map<std::string, std::string> headers;
  std::string trace_type = "genai_extension";
  std::string tls_ca_cert; // PEM
  bool insecure = false;   // skip TLS verification
  std::chrono::milliseconds export_interval{2000};
  std::size_t batch_size = 256;
  std::size_t queue_size = 4096;
  std::chrono::milliseconds timeout{10'000};
};

struct Telemetry {
  std::vector<std::string> custom_labels; // client.prometheus_labels + the telemetry plugin's custom_labels
  std::size_t max_label_sets = 1000;      // per metric; more go to the "__overflow__" series (read at startup)
  OtelConfig otel;
};

} // namespace hd::config
