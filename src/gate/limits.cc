#include "gate/limits.h"

#include <fmt/format.h>

#include "governance/pricing.h"
#include "governance/window.h"

namespace hd::gate {

using governance::Limit;
using governance::LimitKind;

namespace {

governance::Window windowFor(const std::string& duration, bool aligned, std::int64_t now_ms) {
  auto d = governance::parseDuration(duration); // validated at load time
  return governance::windowAt(d ? d.value() : governance::Duration{1, 'M'}, aligned, now_ms);
}

void addRateLimit(std::vector<Limit>& out, const config::RateLimitSpec& rl, const std::string& label,
                  std::int64_t now_ms) {
  if (rl.request_max_limit) {
    out.push_back(
        Limit{rl.id + ":requests", LimitKind::Requests, *rl.request_max_limit,
              windowFor(rl.request_reset_duration, false, now_ms),
              fmt::format("{} request limit ({} per {})", label, *rl.request_max_limit, rl.request_reset_duration)});
  }
  if (rl.token_max_limit) {
    out.push_back(Limit{
        rl.id + ":tokens", LimitKind::Tokens, *rl.token_max_limit, windowFor(rl.token_reset_duration, false, now_ms),
        fmt::format("{} token limit ({} per {})", label, *rl.token_max_limit, rl.token_reset_duration)});
  }
}

// Dollars as people write them: cents when that is exact ("$10.00"), else up to six decimals ("$0.004").
std::string usd(double v) {
  std::string s = fmt::format("{:.6f}", v);
  while (s.size() > 1 && s.back() == '0' && s[s.size() - 3] != '.') {
    s.pop_back();
  }
  return s;
}

} // namespace

Limit budgetLimit(const config::BudgetSpec& b, std::string label, std::int64_t now_ms) {
  return Limit{b.id + ":spend", LimitKind::Spend, governance::fromUsd(b.max_limit),
               windowFor(b.reset_duration, b.calendar_aligned, now_ms),
               fmt::format("{} budget (${} per {})", label, usd(b.max_limit), b.reset_duration)};
}

std::vector<Limit> limitsFor(const config::Governance& gov, const config::VirtualKey& vk, std::string_view provider,
                             std::int64_t now_ms) {
  std::vector<Limit> out;
  std::string vk_label = fmt::format("virtual key \"{}\"", vk.name);
  if (!provider.empty()) {
    if (const auto* pc = vk.providerConfig(provider)) {
      std::string label = fmt::format("{} provider \"{}\"", vk_label, pc->provider);
      if (pc->budget) {
        out.push_back(budgetLimit(*pc->budget, label, now_ms));
      }
      if (pc->rate_limit) {
        addRateLimit(out, *pc->rate_limit, label, now_ms);
      }
    }
  }
  if (vk.budget) {
    out.push_back(budgetLimit(*vk.budget, vk_label, now_ms));
  }
  if (vk.rate_limit) {
    addRateLimit(out, *vk.rate_limit, vk_label, now_ms);
  }
  std::string customer_id = vk.customer_id;
  if (!vk.team_id.empty()) {
    if (auto t = gov.teams.find(vk.team_id); t != gov.teams.end()) {
      if (t->second.budget) {
        out.push_back(budgetLimit(*t->second.budget, fmt::format("team \"{}\"", t->second.name), now_ms));
      }
      customer_id = t->second.customer_id;
    }
  }
  if (!customer_id.empty()) {
    if (auto c = gov.customers.find(customer_id); c != gov.customers.end() && c->second.budget) {
      out.push_back(budgetLimit(*c->second.budget, fmt::format("customer \"{}\"", c->second.name), now_ms));
    }
  }
  return out;
}

} // namespace hd::gate
