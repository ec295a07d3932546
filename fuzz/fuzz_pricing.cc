// Fuzzes the governance parsers of untrusted text: price catalogues (data files and config
// overrides), reset durations and Redis URLs (config), and price lookup by model name (requests).
#include <cstdint>
#include <string_view>

#include "governance/pricing.h"
#include "governance/redis_client.h"
#include "governance/window.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto pricing = hd::governance::Pricing::fromJson(text);
  if (pricing.ok()) {
    (void)pricing->find("claude-sonnet-4-5-20250929");
  }
  std::vector<hd::governance::PriceOverride> overrides{{std::string(text.substr(0, 64)), {}}};
  (void)hd::governance::Pricing::builtin().find(text, {&overrides});
  (void)hd::governance::Pricing::builtin().find(text);
  auto d = hd::governance::parseDuration(text);
  if (d.ok()) {
    for (bool aligned : {false, true}) {
      auto w = hd::governance::windowAt(*d, aligned, 1'795'593'060'000);
      if (w.start_ms > 1'795'593'060'000 || w.end_ms <= 1'795'593'060'000) {
        __builtin_trap(); // the window must contain the moment
      }
    }
  }
  (void)hd::governance::parseRedisUrl(text);
  return 0;
}
