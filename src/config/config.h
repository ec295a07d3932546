#pragma once
// Typed configuration: the shape of config.json (Bifrost-compatible), validated at load time.
// A Config is immutable once built; the server swaps whole snapshots (ConfigSnapshot).

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/governance.h"
#include "config/mcp.h"
#include "config/telemetry.h"
#include "governance/pricing.h"

namespace hd::config {

enum class ProviderType { Anthropic, Azure, OpenAI };

enum class ModelFamily { Unspecified, Claude, OpenAI };

// A model allow-list: ["*"] = every model, [] = none, otherwise exact names (case-insensitive).
struct ModelList {
  bool all = false;
  std::vector<std::string> names; // lower-cased
  bool allows(std::string_view model_lower) const;
  bool empty() const { return !all && names.empty(); }
};

struct Alias {
  std::string model_id;   // the upstream model / deployment name
  std::string model_name; // canonical model name for logs and pricing (optional)
  ModelFamily family = ModelFamily::Unspecified;
  std::string description;
  std::string api_version;       // Azure override
  std::string anthropic_version; // Azure override
  std::string endpoint;          // Azure override
};

struct AzureKeyConfig {
  std::string endpoint; // resolved, without trailing '/'
  std::string api_version = "2024-10-21";
  std::string client_id;
  std::string client_secret;
  std::string tenant_id;
  std::vector<std::string> scopes;
  // Entra ID (see src/auth/): a PEM certificate with its private key (inline or read from a file path),
  // its password, the authority host (empty = AZURE_AUTHORITY_HOST or the public cloud) and the instance
  // metadata service address (empty = AZURE_POD_IDENTITY_AUTHORITY_HOST or 169.254.169.254).
  std::string client_certificate; // PEM text; secret, never logged
  std::string client_certificate_password;
  std::string authority_host;
  std::string imds_endpoint;
};

struct Key {
  std::string id;
  std::string name;
  std::string value; // resolved secret; never logged
  ModelList models;
  ModelList blacklisted_models;
  double weight = 1.0;
  bool enabled = true;
  std::map<std::string, Alias> aliases; // lower-cased alias name -> alias
  std::optional<AzureKeyConfig> azure;
  std::vector<governance::PriceOverride> pricing_overrides; // win over the provider's and the catalogue

  const Alias* findAlias(std::string_view model_lower) const;
};

struct NetworkConfig {
  std::string base_url; // resolved; empty = the provider's default
  std::vector<std::pair<std::string, std::string>> extra_headers;
  std::chrono::seconds request_timeout{300};
  std::chrono::seconds stream_idle_timeout{60};
  std::chrono::seconds connect_timeout{10};
  // Request sent -> response headers. Heimdall's own field; absent = default_request_timeout_in_seconds.
  std::optional<std::chrono::seconds> first_byte_timeout;
  int max_retries = 0;
  std::chrono::milliseconds retry_backoff_initial{500};
  std::chrono::milliseconds retry_backoff_max{5000};
  bool insecure_skip_verify = false;
  std::string ca_cert_pem;
  int max_conns_per_host = 5000;
  std::map<std::string, bool> beta_header_overrides; // anthropic-beta prefix -> allowed
};

// Bifrost's concurrency_and_buffer_size: upstream calls in flight per provider, and how many may wait.
struct Concurrency {
  int concurrency = 1000;
  int buffer_size = 5000;
};

// Heimdall's own `circuit_breaker` (per provider; one breaker per key and deployment).
struct CircuitBreakerConfig {
  bool enabled = true;
  int failure_threshold = 5;                  // consecutive failures that open the breaker
  std::chrono::milliseconds cooldown{30'000}; // open -> half-open (one probe)
};

// Heimdall's own default fallback chain entry: after this provider fails, try `provider` with the
// model mapped through `model_map` (lower-cased keys; an unmapped model keeps its name).
struct FallbackTarget {
  std::string provider;
  std::map<std::string, std::string> model_map;
};

struct Provider {
  std::vector<governance::PriceOverride> pricing_overrides; // win over the catalogue
  std::string name;
  ProviderType type = ProviderType::Anthropic;
  std::vector<Key> keys;
  NetworkConfig network;
  Concurrency concurrency;
  CircuitBreakerConfig circuit_breaker;
  std::vector<FallbackTarget> fallbacks;
};

struct ClientConfig {
  std::size_t max_request_body_bytes = 100ull * 1024 * 1024;
  std::size_t max_json_depth = 64;
  std::chrono::seconds header_read_timeout{30};
  std::chrono::seconds idle_timeout{120};
  bool enable_logging = true;
  bool disable_content_logging = false;
  int log_retention_days = 365;           // request log records older than this are removed (0: kept forever)
  bool enforce_auth_on_inference = false; // every inference request needs a virtual key
  bool drop_excess_requests = false;      // a full provider queue answers at once instead of waiting
};

struct Config {
  ClientConfig client;
  std::map<std::string, Provider> providers; // by name
  Governance governance;
  Telemetry telemetry; // client.prometheus_labels, plugins (otel, telemetry)
  McpSettings mcp;

  const Provider* findProvider(std::string_view name) const;
};

using ConfigPtr = std::shared_ptr<const Config>;

std::string_view toString(ProviderType t);
std::string toLower(std::string_view s);

} // namespace hd::config
