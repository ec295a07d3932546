#pragma once
// Model prices and the cost of one request.
//
// The catalogue ships with Heimdall as a data file (data/pricing.json, embedded at build time): USD
// per token for input, output, cache reads and cache writes, for the Claude, GPT and o-series models
// users route to Azure, each with its source and date. Providers and keys may override prices
// (`pricing_overrides`). Costs are kept in nano-dollars (int64) so counters add up exactly.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/usage.h"

namespace hd::governance {

using NanoUsd = std::int64_t; // 1 USD = 1e9

struct Price {
  // USD per token.
  double input = 0;
  double output = 0;
  double cache_read = 0;
  double cache_write = 0;
};

// One override: a model name or a glob with '*' (e.g. "claude-sonnet-*"), and the prices it sets.
struct PriceOverride {
  std::string pattern;
  Price price;
};

class Pricing {
public:
  // The embedded catalogue.
  static const Pricing& builtin();
  // Parses a catalogue in data/pricing.json's format; errors name the JSON path.
  static Result<Pricing> fromJson(std::string_view text);

  // The price of `model` (canonical name, case-insensitive; a "provider/" prefix and Azure-style
  // date/version suffixes are tolerated), after `overrides` (key-level first, then provider-level).
  std::optional<Price> find(std::string_view model, const std::vector<const std::vector<PriceOverride>*>& overrides =
                                                        {}) const;

  std::size_t size() const { return entries_.size(); }
  std::string_view source() const { return source_; }

private:
  struct Entry {
    std::string model; // lower-case
    Price price;
  };
  std::vector<Entry> entries_;
  std::string source_;
};

// Cost of a request from its real usage: input, output, cache reads, cache writes.
NanoUsd cost(const Price& p, const Usage& u);
// An upper bound used before the call: `input_tokens` in, `max_output_tokens` out.
NanoUsd estimate(const Price& p, std::int64_t input_tokens, std::int64_t max_output_tokens);

double toUsd(NanoUsd n);
NanoUsd fromUsd(double usd);

} // namespace hd::governance
