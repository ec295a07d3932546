#include <gtest/gtest.h>

#include "config/loader.h"

namespace hd::config {
namespace {

Result<Config> load(const std::string& json) {
  return fromText(json, [](const std::string& name) -> std::optional<std::string> {
    if (name == "OTEL_TOKEN") {
      return std::string("s3cret");
    }
    return std::nullopt;
  });
}

TEST(TelemetryConfig, OtelPluginInBifrostsShape) {
  auto c = load(R"({"plugins":[{"enabled":true,"name":"otel","config":{"service_name":"gw",
    "collector_url":"http://127.0.0.1:4318/","headers":{"authorization":"env.OTEL_TOKEN"},
    "trace_type":"genai_extension","protocol":"http"}},{"enabled":true,"name":"maxim","config":{}}]})");
  ASSERT_TRUE(c) << c.error().message;
  const auto& o = c->telemetry.otel;
  EXPECT_TRUE(o.enabled);
  EXPECT_EQ(o.service_name, "gw");
  EXPECT_EQ(o.collector_url, "http://127.0.0.1:4318");
  EXPECT_EQ(o.headers.at("authorization"), "s3cret");
}

TEST(TelemetryConfig, DisabledOtelIsOff) {
  auto c = load(R"({"plugins":[{"enabled":false,"name":"otel","config":{"protocol":"grpc"}}]})");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->telemetry.otel.enabled);
}

TEST(TelemetryConfig, OnlyOtlpHttpJson) {
  auto c = load(R"({"plugins":[{"enabled":true,"name":"otel","config":{"collector_url":"http://x:4317",
    "protocol":"grpc"}}]})");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("plugins[0].config.protocol"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("OTLP/HTTP with JSON"), std::string::npos);
}

TEST(TelemetryConfig, BadFieldsNameThePath) {
  for (auto [json, path] : std::initializer_list<std::pair<const char*, const char*>>{
           {R"({"plugins":[{"name":"otel","config":{}}]})", "plugins[0].config.collector_url"},
           {R"({"plugins":[{"name":"otel","config":{"collector_url":"ftp://x"}}]})", "plugins[0].config.collector_url"},
           {R"({"plugins":[{"name":"otel","config":{"collector_url":"http://x","batch_size":0}}]})",
            "plugins[0].config.batch_size"},
           {R"({"plugins":{}})", "plugins"},
           {R"({"plugins":[{"config":{}}]})", "plugins[0].name"},
           {R"({"client":{"prometheus_labels":["bad-name"]}})", "client.prometheus_labels[0]"},
           {R"({"client":{"prometheus_labels":["provider"]}})", "client.prometheus_labels[0]"},
           {R"({"plugins":[{"name":"telemetry","config":{"custom_labels":[1]}}]})",
            "plugins[0].config.custom_labels[0]"}}) {
    auto c = load(json);
    ASSERT_FALSE(c) << json;
    EXPECT_NE(c.error().message.find(path), std::string::npos) << c.error().message;
  }
}

TEST(TelemetryConfig, CustomLabelsFromBothPlaces) {
  auto c = load(R"({"client":{"prometheus_labels":["team","env"]},
    "plugins":[{"enabled":true,"name":"telemetry","config":{"custom_labels":["env","user_tier"]}}]})");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->telemetry.custom_labels, (std::vector<std::string>{"team", "env", "user_tier"}));
}

} // namespace
} // namespace hd::config
