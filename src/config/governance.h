#pragma once
// Governance configuration (config.json `governance`, Bifrost's shape; also edited through
// /api/governance/*): virtual keys, teams, customers, budgets and rate limits. Usage counters are
// not configuration; they live in the counters backend (governance/counters.h).

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace hd::config {

struct ModelList;

struct BudgetSpec {
  std::string id;       // counters are keyed by it: a budget shared by reference is one counter
  double max_limit = 0; // USD
  std::string reset_duration = "1M";
  bool calendar_aligned = false;
};

struct RateLimitSpec {
  std::string id;
  std::optional<std::int64_t> token_max_limit;
  std::string token_reset_duration = "1m";
  std::optional<std::int64_t> request_max_limit;
  std::string request_reset_duration = "1m";
};

struct VkProviderConfig {
  std::string provider;
  std::optional<double> weight; // null = usable when named, not part of weighted choice
  bool all_models = true;
  std::vector<std::string> allowed_models; // lower-case; a "provider/" prefix is removed
  bool all_keys = true;
  std::vector<std::string> key_ids; // provider keys (by id or name) the virtual key may use
  std::optional<BudgetSpec> budget;
  std::optional<RateLimitSpec> rate_limit;

  bool allows(std::string_view model_lower) const;
  bool allowsKey(std::string_view key_id, std::string_view key_name) const;
};

struct PreviousValue {
  std::string hash;
  std::int64_t expires_at_ms = 0;
};

struct VirtualKey {
  std::string id;
  std::string name;
  std::string description;
  std::string value_hash; // sha256 hex of the bf- value
  std::string value_prefix;
  std::vector<PreviousValue> previous; // rotated-out values still accepted until they expire
  bool is_active = true;
  std::string team_id;
  std::string customer_id;
  std::optional<BudgetSpec> budget;
  std::optional<RateLimitSpec> rate_limit;
  std::vector<VkProviderConfig> provider_configs;
  boost::json::value mcp_configs; // kept as given (the MCP gateway reads it)

  const VkProviderConfig* providerConfig(std::string_view provider) const;
};

struct Team {
  std::string id;
  std::string name;
  std::string customer_id;
  std::optional<BudgetSpec> budget;
};

struct Customer {
  std::string id;
  std::string name;
  std::optional<BudgetSpec> budget;
};

struct GovernanceStore {
  std::string type = "memory"; // memory | redis
  std::string url;             // redis://...
  bool fail_open = false;      // when the counters backend is unreachable
};

struct Governance {
  GovernanceStore store;
  std::map<std::string, VirtualKey> virtual_keys;          // by id
  std::unordered_map<std::string, std::string> vk_by_hash; // value hash (current and previous) -> id
  std::map<std::string, Team> teams;
  std::map<std::string, Customer> customers;

  // The key presented as `value` (with its bf- prefix), if it is current or a still-valid old value.
  const VirtualKey* findByValue(std::string_view value, std::int64_t now_ms) const;
};

// A virtual key value's lookup hash.
std::string virtualKeyHash(std::string_view value);
bool isVirtualKeyValue(std::string_view value); // "bf-..." or "sk-bf-..."

} // namespace hd::config
