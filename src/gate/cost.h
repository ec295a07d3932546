#pragma once
// What a served request cost: the catalogue price of the model that answered, after the key's and the
// provider's pricing_overrides, applied to the usage the upstream reported.

#include <optional>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "governance/pricing.h"
#include "http/request_scope.h"

namespace hd::gate {

// Price overrides that apply to a provider key: the key's first, then its provider's.
std::vector<const std::vector<governance::PriceOverride>*>
overridesFor(const config::Config& cfg, std::string_view provider, std::string_view key);

// The cost of what `served` used; nullopt when the model has no price (logged once per model).
// `requested_model` names the model when the pipeline recorded none.
std::optional<governance::NanoUsd> servedCost(const config::Config& cfg, const governance::Pricing& pricing,
                                              const http::RequestScope::Served& served,
                                              std::string_view requested_model);

} // namespace hd::gate
