#include "gate/cost.h"

#include <spdlog/spdlog.h>

#include <mutex>
#include <set>
#include <string>

namespace hd::gate {

namespace {

// Models without a price are logged once each (their requests still count against request and token limits).
void warnUnpriced(const std::string& model) {
  static std::mutex mu;
  static std::set<std::string> seen;
  std::lock_guard lk(mu);
  if (seen.insert(model).second) {
    spdlog::warn("no price for model \"{}\": its requests are counted but cost $0 (add pricing_overrides)", model);
  }
}

} // namespace

std::vector<const std::vector<governance::PriceOverride>*>
overridesFor(const config::Config& cfg, std::string_view provider, std::string_view key) {
  std::vector<const std::vector<governance::PriceOverride>*> out;
  const auto* p = cfg.findProvider(provider);
  if (p == nullptr) {
    return out;
  }
  for (const auto& k : p->keys) {
    if (k.name == key && !k.pricing_overrides.empty()) {
      out.push_back(&k.pricing_overrides);
    }
  }
  if (!p->pricing_overrides.empty()) {
    out.push_back(&p->pricing_overrides);
  }
  return out;
}

std::optional<governance::NanoUsd> servedCost(const config::Config& cfg, const governance::Pricing& pricing,
                                              const http::RequestScope::Served& served,
                                              std::string_view requested_model) {
  std::string model(served.canonical_model.empty() ? requested_model : std::string_view(served.canonical_model));
  if (auto price = pricing.find(model, overridesFor(cfg, served.provider, served.key))) {
    return governance::cost(*price, served.usage);
  }
  warnUnpriced(model);
  return std::nullopt;
}

} // namespace hd::gate
