#pragma once
// Which budgets and rate limits apply to a virtual key's request, as counter Limits for the current
// windows: the provider config's, the key's own, its team's and its customer's.

#include <cstdint>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "governance/counters.h"

namespace hd::gate {

// `provider` may be empty (not known yet): provider-config limits are then left out.
std::vector<governance::Limit> limitsFor(const config::Governance& gov, const config::VirtualKey& vk,
                                         std::string_view provider, std::int64_t now_ms);

// One budget's or rate limit's counters for display (API): the same Limit the gate uses.
governance::Limit budgetLimit(const config::BudgetSpec& b, std::string label, std::int64_t now_ms);

} // namespace hd::gate
