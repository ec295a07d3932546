#include "config/loader.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "config/governance_loader.h"
#include "config/reader.h"
#include "core/json_util.h"

namespace hd::config {
namespace {

namespace js = boost::json;
using namespace detail;

constexpr std::array kKnownProviders = {"openai",      "anthropic",  "bedrock",   "cohere",     "azure",      "vertex",
                                        "mistral",     "ollama",     "groq",      "gemini",     "openrouter", "sgl",
                                        "parasail",    "perplexity", "replicate", "elevenlabs", "cerebras",   "vllm",
                                        "huggingface", "xai",        "nebius",    "runway",     "fireworks"};

// `pricing_overrides`: [{"model_pattern": "claude-sonnet-*", "input_cost_per_token": ..., ...}] (USD per token).
std::vector<governance::PriceOverride> parsePriceOverrides(Reader& r, const js::value& v, const std::string& path) {
  std::vector<governance::PriceOverride> out;
  if (!v.is_array()) {
    fail(path, "expected an array of {model_pattern, input_cost_per_token, output_cost_per_token, ...}");
  }
  std::size_t i = 0;
  for (const auto& e : v.get_array()) {
    std::string p = fmt::format("{}[{}]", path, i++);
    const auto& o = r.object(e, p);
    checkKnownFields(o, p,
                     {"model_pattern", "input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost",
                      "cache_creation_input_token_cost"});
    governance::PriceOverride po;
    const auto* m = o.if_contains("model_pattern");
    if (m == nullptr) {
      fail(p + ".model_pattern", "required field is missing (a model name, or a pattern with '*')");
    }
    po.pattern = r.string(*m, p + ".model_pattern");
    for (auto [field, dst] :
         {std::pair{"input_cost_per_token", &po.price.input}, std::pair{"output_cost_per_token", &po.price.output},
          std::pair{"cache_read_input_token_cost", &po.price.cache_read},
          std::pair{"cache_creation_input_token_cost", &po.price.cache_write}}) {
      if (const auto* x = o.if_contains(field)) {
        *dst = r.number(*x, p + "." + field);
        if (!(*dst >= 0) || !std::isfinite(*dst)) {
          fail(p + "." + field, "expected USD per token >= 0");
        }
      }
    }
    out.push_back(std::move(po));
  }
  return out;
}

ModelFamily parseFamily(const std::string& s, const std::string& path) {
  std::string l = toLower(s);
  if (l == "claude" || l == "anthropic") {
    return ModelFamily::Claude;
  }
  if (l == "openai" || l == "gpt") {
    return ModelFamily::OpenAI;
  }
  fail(path, fmt::format("unknown model_family \"{}\" (expected \"claude\" or \"openai\")", s));
}

Alias parseAlias(Reader& r, const js::value& v, const std::string& path) {
  Alias a;
  if (v.is_string()) {
    a.model_id = r.string(v, path);
  } else {
    const auto& o = r.object(v, path);
    checkKnownFields(
        o, path,
        {"model_id", "model_name", "model_family", "description", "api_version", "anthropic_version", "endpoint"});
    const auto* id = o.if_contains("model_id");
    if (id == nullptr) {
      fail(path + ".model_id", "required field is missing");
    }
    a.model_id = r.string(*id, path + ".model_id");
    if (const auto* x = o.if_contains("model_name")) {
      a.model_name = r.string(*x, path + ".model_name");
    }
    if (const auto* x = o.if_contains("model_family")) {
      a.family = parseFamily(r.string(*x, path + ".model_family"), path + ".model_family");
    }
    if (const auto* x = o.if_contains("description")) {
      a.description = r.string(*x, path + ".description");
    }
    if (const auto* x = o.if_contains("api_version")) {
      a.api_version = r.string(*x, path + ".api_version");
    }
    if (const auto* x = o.if_contains("anthropic_version")) {
      a.anthropic_version = r.string(*x, path + ".anthropic_version");
    }
    if (const auto* x = o.if_contains("endpoint")) {
      a.endpoint = r.secret(*x, path + ".endpoint");
      while (!a.endpoint.empty() && a.endpoint.back() == '/') {
        a.endpoint.pop_back();
      }
    }
  }
  if (a.model_id.empty()) {
    fail(path, "alias target must not be empty");
  }
  return a;
}

void checkHttpUrl(const std::string& url, const std::string& path) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") || parsed->host().empty()) {
    fail(path, fmt::format("expected an http:// or https:// URL, got \"{}\"", url));
  }
}

// Entra ID settings beyond Bifrost's client_id / client_secret / tenant_id.
void parseEntraFields(Reader& r, const js::object& o, const std::string& path, AzureKeyConfig& az) {
  for (char c : az.tenant_id) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '.' && c != '_') {
      fail(path + ".tenant_id", "expected a tenant id (a GUID) or domain name");
    }
  }
  if (const auto* x = o.if_contains("client_certificate")) {
    std::string p = path + ".client_certificate";
    std::string v = r.secret(*x, p);
    if (v.find("-----BEGIN") != std::string::npos) {
      az.client_certificate = std::move(v);
    } else if (!v.empty()) {
      std::ifstream in(v, std::ios::binary);
      if (!in) {
        fail(p, fmt::format("cannot read certificate file {}: {}", v, std::strerror(errno)));
      }
      std::stringstream ss;
      ss << in.rdbuf();
      az.client_certificate = ss.str();
      if (az.client_certificate.find("-----BEGIN") == std::string::npos) {
        fail(p, fmt::format("{} is not a PEM file (expected the certificate and its private key)", v));
      }
    }
  }
  if (!az.client_certificate.empty() && (az.client_id.empty() || az.tenant_id.empty())) {
    fail(path + ".client_certificate", "needs client_id and tenant_id (the app registration it belongs to)");
  }
  if (const auto* x = o.if_contains("client_certificate_password")) {
    az.client_certificate_password = r.secret(*x, path + ".client_certificate_password");
  }
  for (const char* f : {"authority_host", "imds_endpoint"}) {
    if (const auto* x = o.if_contains(f)) {
      std::string p = path + "." + f;
      std::string v = r.secret(*x, p);
      while (!v.empty() && v.back() == '/') {
        v.pop_back();
      }
      if (!v.empty()) {
        checkHttpUrl(v, p);
      }
      (std::string_view(f) == "authority_host" ? az.authority_host : az.imds_endpoint) = v;
    }
  }
}

AzureKeyConfig parseAzure(Reader& r, const js::value& v, const std::string& path, Key& key) {
  AzureKeyConfig az;
  const auto& o = r.object(v, path);
  checkKnownFields(o, path,
                   {"endpoint", "api_version", "deployments", "client_id", "client_secret", "tenant_id", "scopes",
                    "client_certificate", "client_certificate_password", "authority_host", "imds_endpoint"});
  const auto* ep = o.if_contains("endpoint");
  if (ep == nullptr) {
    fail(path + ".endpoint", "required field is missing (your Azure resource URL, e.g. "
                             "https://my-resource.openai.azure.com)");
  }
  az.endpoint = r.secret(*ep, path + ".endpoint");
  while (!az.endpoint.empty() && az.endpoint.back() == '/') {
    az.endpoint.pop_back();
  }
  checkHttpUrl(az.endpoint, path + ".endpoint");
  if (const auto* x = o.if_contains("api_version")) {
    az.api_version = r.string(*x, path + ".api_version");
    if (az.api_version.empty()) {
      fail(path + ".api_version", "must not be empty");
    }
  }
  for (const char* f : {"client_id", "client_secret", "tenant_id"}) {
    if (const auto* x = o.if_contains(f)) {
      std::string val = r.secret(*x, path + "." + f);
      if (std::string_view(f) == "client_id") {
        az.client_id = val;
      } else if (std::string_view(f) == "client_secret") {
        az.client_secret = val;
      } else {
        az.tenant_id = val;
      }
    }
  }
  parseEntraFields(r, o, path, az);
  if (const auto* x = o.if_contains("scopes")) {
    for (auto& s : r.stringArray(*x, path + ".scopes")) {
      auto b = s.find_first_not_of(" \t");
      if (b != std::string::npos) {
        std::string scope = s.substr(b, s.find_last_not_of(" \t") - b + 1);
        // "<https://...>" as copied from a rendered web page (the seed article's example): drop the brackets.
        if (scope.size() > 2 && scope.front() == '<' && scope.back() == '>') {
          scope = scope.substr(1, scope.size() - 2);
        }
        az.scopes.push_back(std::move(scope));
      }
    }
  }
  // Bifrost v1.4 `deployments` map: model -> deployment; treated as aliases.
  if (const auto* x = o.if_contains("deployments")) {
    const auto& d = r.object(*x, path + ".deployments");
    for (const auto& kv : d) {
      std::string p = fmt::format("{}.deployments.{}", path, std::string_view(kv.key()));
      Alias a;
      a.model_id = r.string(kv.value(), p);
      key.aliases.emplace(toLower(kv.key()), std::move(a));
    }
  }
  return az;
}

Key parseKey(Reader& r, const js::value& v, const std::string& path, ProviderType type) {
  Key k;
  const auto& o = r.object(v, path);
  checkKnownFields(o, path,
                   {"id", "name", "value", "models", "blacklisted_models", "weight", "enabled", "aliases",
                    "azure_key_config", "description", "use_for_batch_api", "config_hash", "pricing_overrides"});
  const auto* name = o.if_contains("name");
  if (name == nullptr) {
    fail(path + ".name", "required field is missing");
  }
  k.name = r.string(*name, path + ".name");
  if (k.name.empty()) {
    fail(path + ".name", "must not be empty");
  }
  if (const auto* x = o.if_contains("id")) {
    k.id = r.string(*x, path + ".id");
  }
  if (const auto* x = o.if_contains("value")) {
    k.value = r.secret(*x, path + ".value");
  }
  k.models.all = true; // absent = every model; an explicit [] denies all
  if (const auto* x = o.if_contains("models")) {
    k.models = r.modelList(*x, path + ".models");
  }
  if (const auto* x = o.if_contains("blacklisted_models")) {
    k.blacklisted_models = r.modelList(*x, path + ".blacklisted_models");
  }
  if (const auto* x = o.if_contains("weight")) {
    k.weight = r.number(*x, path + ".weight");
    if (!(k.weight >= 0) || !std::isfinite(k.weight)) {
      fail(path + ".weight", "expected a number >= 0");
    }
  }
  if (const auto* x = o.if_contains("enabled")) {
    k.enabled = r.boolean(*x, path + ".enabled");
  }
  if (const auto* x = o.if_contains("pricing_overrides"); x != nullptr && !x->is_null()) {
    k.pricing_overrides = parsePriceOverrides(r, *x, path + ".pricing_overrides");
  }
  if (const auto* x = o.if_contains("aliases")) {
    if (!x->is_null()) {
      const auto& a = r.object(*x, path + ".aliases");
      for (const auto& kv : a) {
        std::string p = fmt::format("{}.aliases.{}", path, std::string_view(kv.key()));
        if (kv.key().empty()) {
          fail(p, "alias names must not be empty");
        }
        if (!k.aliases.emplace(toLower(kv.key()), parseAlias(r, kv.value(), p)).second) {
          fail(p, "duplicate alias (alias names are case-insensitive)");
        }
      }
    }
  }
  if (const auto* x = o.if_contains("azure_key_config")) {
    if (type != ProviderType::Azure) {
      fail(path + ".azure_key_config", "only valid on the azure provider");
    }
    k.azure = parseAzure(r, *x, path + ".azure_key_config", k);
  }
  if (type == ProviderType::Azure && !k.azure) {
    fail(path + ".azure_key_config", "required field is missing (it holds the endpoint and api_version)");
  }
  if (type != ProviderType::Azure && k.value.empty() && k.enabled) {
    fail(path + ".value", "an API key is required (a literal or \"env.VAR_NAME\")");
  }
  return k;
}

NetworkConfig parseNetwork(Reader& r, const js::value& v, const std::string& path) {
  NetworkConfig n;
  const auto& o = r.object(v, path);
  checkKnownFields(o, path,
                   {"base_url", "extra_headers", "default_request_timeout_in_seconds", "stream_idle_timeout_in_seconds",
                    "connect_timeout_in_seconds", "max_retries", "retry_backoff_initial", "retry_backoff_max",
                    "retry_backoff_initial_ms", "retry_backoff_max_ms", "insecure_skip_verify", "ca_cert_pem",
                    "max_conns_per_host", "enforce_http2", "beta_header_overrides", "first_byte_timeout_in_seconds"});
  if (const auto* x = o.if_contains("base_url")) {
    n.base_url = r.secret(*x, path + ".base_url");
    while (!n.base_url.empty() && n.base_url.back() == '/') {
      n.base_url.pop_back();
    }
    if (!n.base_url.empty()) {
      checkHttpUrl(n.base_url, path + ".base_url");
    }
  }
  if (const auto* x = o.if_contains("extra_headers")) {
    for (const auto& kv : r.object(*x, path + ".extra_headers")) {
      std::string p = fmt::format("{}.extra_headers.{}", path, std::string_view(kv.key()));
      n.extra_headers.emplace_back(std::string(kv.key()), r.secret(kv.value(), p));
    }
  }
  auto seconds = [&](const char* f, std::chrono::seconds& out) {
    if (const auto* x = o.if_contains(f)) {
      auto s = r.nonNegativeInt(*x, path + "." + f);
      if (s == 0) {
        fail(path + "." + f, "must be at least 1 second");
      }
      out = std::chrono::seconds(s);
    }
  };
  seconds("default_request_timeout_in_seconds", n.request_timeout);
  seconds("stream_idle_timeout_in_seconds", n.stream_idle_timeout);
  seconds("connect_timeout_in_seconds", n.connect_timeout);
  if (o.contains("first_byte_timeout_in_seconds")) {
    n.first_byte_timeout.emplace();
    seconds("first_byte_timeout_in_seconds", *n.first_byte_timeout);
  }
  if (const auto* x = o.if_contains("max_retries")) {
    auto retries = r.nonNegativeInt(*x, path + ".max_retries");
    if (retries > 100) {
      fail(path + ".max_retries", "expected a number between 0 and 100");
    }
    n.max_retries = static_cast<int>(retries);
  }
  for (const char* f : {"retry_backoff_initial", "retry_backoff_initial_ms"}) {
    if (const auto* x = o.if_contains(f)) {
      n.retry_backoff_initial = std::chrono::milliseconds(r.nonNegativeInt(*x, path + "." + f));
    }
  }
  for (const char* f : {"retry_backoff_max", "retry_backoff_max_ms"}) {
    if (const auto* x = o.if_contains(f)) {
      n.retry_backoff_max = std::chrono::milliseconds(r.nonNegativeInt(*x, path + "." + f));
    }
  }
  if (const auto* x = o.if_contains("insecure_skip_verify")) {
    n.insecure_skip_verify = r.boolean(*x, path + ".insecure_skip_verify");
  }
  if (const auto* x = o.if_contains("ca_cert_pem")) {
    n.ca_cert_pem = r.string(*x, path + ".ca_cert_pem");
  }
  if (const auto* x = o.if_contains("max_conns_per_host")) {
    n.max_conns_per_host =
        static_cast<int>(std::min<std::int64_t>(r.nonNegativeInt(*x, path + ".max_conns_per_host"), 10000));
  }
  if (const auto* x = o.if_contains("beta_header_overrides")) {
    for (const auto& kv : r.object(*x, path + ".beta_header_overrides")) {
      n.beta_header_overrides[std::string(kv.key())] =
          r.boolean(kv.value(), fmt::format("{}.beta_header_overrides.{}", path, std::string_view(kv.key())));
    }
  }
  return n;
}

Concurrency parseConcurrency(Reader& r, const js::value& v, const std::string& path) {
  Concurrency c;
  const auto& o = r.object(v, path);
  checkKnownFields(o, path, {"concurrency", "buffer_size"});
  if (const auto* x = o.if_contains("concurrency")) {
    auto n = r.nonNegativeInt(*x, path + ".concurrency");
    if (n == 0 || n > 1'000'000) {
      fail(path + ".concurrency", "expected a number between 1 and 1000000");
    }
    c.concurrency = static_cast<int>(n);
  }
  if (const auto* x = o.if_contains("buffer_size")) {
    c.buffer_size = static_cast<int>(std::min<std::int64_t>(r.nonNegativeInt(*x, path + ".buffer_size"), 1'000'000));
  }
  return c;
}

CircuitBreakerConfig parseBreaker(Reader& r, const js::value& v, const std::string& path) {
  CircuitBreakerConfig c;
  const auto& o = r.object(v, path);
  checkKnownFields(o, path, {"enabled", "failure_threshold", "cooldown_ms"});
  if (const auto* x = o.if_contains("enabled")) {
    c.enabled = r.boolean(*x, path + ".enabled");
  }
  if (const auto* x = o.if_contains("failure_threshold")) {
    auto n = r.nonNegativeInt(*x, path + ".failure_threshold");
    if (n == 0 || n > 1'000'000) {
      fail(path + ".failure_threshold", "expected a number between 1 and 1000000");
    }
    c.failure_threshold = static_cast<int>(n);
  }
  if (const auto* x = o.if_contains("cooldown_ms")) {
    auto ms = r.nonNegativeInt(*x, path + ".cooldown_ms");
    if (ms == 0) {
      fail(path + ".cooldown_ms", "must be at least 1 ms");
    }
    c.cooldown = std::chrono::milliseconds(ms);
  }
  return c;
}

// Entries: "provider" (same model name) or {"provider": "...", "model_map": {"model": "fallback model"}}.
std::vector<FallbackTarget> parseFallbacks(Reader& r, const js::value& v, const std::string& path) {
  if (!v.is_array()) {
    fail(path, fmt::format("expected an array of providers, got {}", kindName(v)));
  }
  std::vector<FallbackTarget> out;
  std::size_t i = 0;
  for (const auto& e : v.get_array()) {
    std::string p = fmt::format("{}[{}]", path, i++);
    FallbackTarget t;
    if (e.is_string()) {
      t.provider = r.string(e, p);
    } else {
      const auto& o = r.object(e, p);
      checkKnownFields(o, p, {"provider", "model_map"});
      const auto* prov = o.if_contains("provider");
      if (prov == nullptr) {
        fail(p + ".provider", "required field is missing");
      }
      t.provider = r.string(*prov, p + ".provider");
      if (const auto* m = o.if_contains("model_map")) {
        for (const auto& kv : r.object(*m, p + ".model_map")) {
          std::string mp = fmt::format("{}.model_map.{}", p, std::string_view(kv.key()));
          std::string to = r.string(kv.value(), mp);
          if (kv.key().empty() || to.empty()) {
            fail(mp, "model names must not be empty");
          }
          t.model_map[toLower(kv.key())] = std::move(to);
        }
      }
    }
    if (t.provider.empty()) {
      fail(p, "provider name must not be empty");
    }
    out.push_back(std::move(t));
  }
  return out;
}

ProviderType providerType(Reader& r, const std::string& name, const js::object& o, const std::string& path) {
  if (name == "anthropic") {
    return ProviderType::Anthropic;
  }
  if (name == "azure") {
    return ProviderType::Azure;
  }
  if (name == "openai") {
    return ProviderType::OpenAI;
  }
  if (const auto* c = o.if_contains("custom_provider_config")) {
    const auto& co = r.object(*c, path + ".custom_provider_config");
    const auto* b = co.if_contains("base_provider_type");
    if (b == nullptr) {
      fail(path + ".custom_provider_config.base_provider_type", "required field is missing");
    }
    std::string base = r.string(*b, path + ".custom_provider_config.base_provider_type");
    if (base == "anthropic") {
      return ProviderType::Anthropic;
    }
    if (base == "openai") {
      return ProviderType::OpenAI;
    }
    fail(path + ".custom_provider_config.base_provider_type",
         fmt::format("unsupported base provider \"{}\" (expected \"anthropic\" or \"openai\")", base));
  }
  fail(path, "unsupported provider: Heimdall serves anthropic, azure and openai, plus custom providers "
             "declared with custom_provider_config.base_provider_type");
}

Provider parseProvider(Reader& r, const std::string& name, const js::value& v, const std::string& path) {
  Provider p;
  p.name = name;
  const auto& o = r.object(v, path);
  checkKnownFields(o, path,
                   {"keys", "network_config", "concurrency_and_buffer_size", "proxy_config", "send_back_raw_request",
                    "send_back_raw_response", "store_raw_request_response", "custom_provider_config", "config_hash",
                    "circuit_breaker", "fallbacks", "pricing_overrides"});
  p.type = providerType(r, name, o, path);
  if (const auto* x = o.if_contains("pricing_overrides"); x != nullptr && !x->is_null()) {
    p.pricing_overrides = parsePriceOverrides(r, *x, path + ".pricing_overrides");
  }
  if (const auto* x = o.if_contains("keys")) {
    if (!x->is_array()) {
      fail(path + ".keys", fmt::format("expected an array of keys, got {}", kindName(*x)));
    }
    std::set<std::string> names;
    std::size_t i = 0;
    for (const auto& kv : x->get_array()) {
      std::string kp = fmt::format("{}.keys[{}]", path, i++);
      Key k = parseKey(r, kv, kp, p.type);
      if (!names.insert(k.name).second) {
        fail(kp + ".name", fmt::format("duplicate key name \"{}\"", k.name));
      }
      if (k.id.empty()) {
        k.id = fmt::format("{}-{}", name, k.name);
      }
      p.keys.push_back(std::move(k));
    }
  }
  if (const auto* x = o.if_contains("network_config")) {
    p.network = parseNetwork(r, *x, path + ".network_config");
  }
  if (const auto* x = o.if_contains("concurrency_and_buffer_size")) {
    p.concurrency = parseConcurrency(r, *x, path + ".concurrency_and_buffer_size");
  }
  if (const auto* x = o.if_contains("circuit_breaker")) {
    p.circuit_breaker = parseBreaker(r, *x, path + ".circuit_breaker");
  }
  if (const auto* x = o.if_contains("fallbacks")) {
    p.fallbacks = parseFallbacks(r, *x, path + ".fallbacks");
  }
  if (name != "anthropic" && name != "azure" && name != "openai" && p.network.base_url.empty()) {
    fail(path + ".network_config.base_url", "required for a custom provider (the server's URL, e.g. "
                                            "http://127.0.0.1:8000/v1)");
  }
  return p;
}

ClientConfig parseClient(Reader& r, const js::value& v, const std::string& path) {
  ClientConfig c;
  const auto& o = r.object(v, path);
  if (const auto* x = o.if_contains("max_request_body_size_mb")) {
    auto mb = r.nonNegativeInt(*x, path + ".max_request_body_size_mb");
    if (mb == 0 || mb > 4096) {
      fail(path + ".max_request_body_size_mb", "expected a size between 1 and 4096 (MB)");
    }
    c.max_request_body_bytes = static_cast<std::size_t>(mb) * 1024 * 1024;
  }
  if (const auto* x = o.if_contains("enable_logging")) {
    c.enable_logging = r.boolean(*x, path + ".enable_logging");
  }
  if (const auto* x = o.if_contains("disable_content_logging")) {
    c.disable_content_logging = r.boolean(*x, path + ".disable_content_logging");
  }
  if (const auto* x = o.if_contains("log_retention_days")) {
    auto days = r.nonNegativeInt(*x, path + ".log_retention_days");
    if (days > 36500) {
      fail(path + ".log_retention_days", "expected at most 36500 days (0 keeps records forever)");
    }
    c.log_retention_days = static_cast<int>(days);
  }
  if (const auto* x = o.if_contains("enforce_auth_on_inference")) {
    c.enforce_auth_on_inference = r.boolean(*x, path + ".enforce_auth_on_inference");
  }
  if (const auto* x = o.if_contains("drop_excess_requests")) {
    c.drop_excess_requests = r.boolean(*x, path + ".drop_excess_requests");
  }
  // Other Bifrost client settings are accepted and take effect as the features behind them land.
  return c;
}

} // namespace

bool isKnownProviderName(std::string_view name) {
  for (auto p : kKnownProviders) {
    if (name == p) {
      return true;
    }
  }
  return false;
}

EnvLookup processEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) {
      return std::nullopt;
    }
    return std::string(v);
  };
}

Result<Config> fromJson(const js::value& root, const EnvLookup& env) {
  try {
    Reader r(env);
    Config cfg;
    const auto& o = r.object(root, "config");
    checkKnownFields(o, "config",
                     {"$schema", "encryption_key", "auth_config", "client", "framework", "providers", "governance",
                      "mcp", "vector_store", "config_store", "logs_store", "plugins", "websocket",
                      "large_payload_optimization"});
    if (const auto* x = o.if_contains("client")) {
      cfg.client = parseClient(r, *x, "client");
    }
    if (const auto* x = o.if_contains("providers")) {
      for (const auto& kv : r.object(*x, "providers")) {
        std::string name(kv.key());
        if (name.empty() || name.find('/') != std::string::npos) {
          fail("providers", fmt::format("invalid provider name \"{}\"", name));
        }
        cfg.providers.emplace(name, parseProvider(r, name, kv.value(), "providers." + name));
      }
      for (const auto& [name, p] : cfg.providers) {
        for (std::size_t i = 0; i < p.fallbacks.size(); ++i) {
          const auto& f = p.fallbacks[i].provider;
          if (f == name || cfg.findProvider(f) == nullptr) {
            fail(fmt::format("providers.{}.fallbacks[{}]", name, i),
                 fmt::format("\"{}\" is {}", f, f == name ? "the provider itself" : "not a configured provider"));
          }
        }
      }
    }
    if (const auto* x = o.if_contains("governance"); x != nullptr && !x->is_null()) {
      std::set<std::string> names;
      for (const auto& [name, p] : cfg.providers) {
        names.insert(name);
      }
      parseGovernance(r, *x, "governance", cfg.governance, names);
    }
    return cfg;
  } catch (const LoadError& e) {
    return Error::invalidRequest(e.what());
  }
}

Result<Config> fromText(std::string_view text, const EnvLookup& env) {
  auto parsed = json::parse(text);
  if (!parsed) {
    return Error::invalidRequest(parsed.error().message);
  }
  return fromJson(parsed.value(), env);
}

Result<Config> fromFile(const std::string& path, const EnvLookup& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error::invalidRequest(fmt::format("cannot read config file {}: {}", path, std::strerror(errno)));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto cfg = fromText(ss.str(), env);
  if (!cfg) {
    std::string msg = cfg.error().message;
    // JSON syntax errors mention the request body; say "config file" instead.
    if (auto pos = msg.find("request body"); pos != std::string::npos) {
      msg.replace(pos, 12, "file");
    }
    return Error::invalidRequest(fmt::format("invalid config file {}: {}", path, msg));
  }
  return cfg;
}

} // namespace hd::config
