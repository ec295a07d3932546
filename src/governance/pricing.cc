// The price catalogue (data/pricing.json, embedded at build time) and the cost of a request.
//
// Token accounting follows the Anthropic convention used by hd::Usage everywhere in the gateway:
// `input_tokens` are the uncached input tokens only; cache reads and cache writes are counted
// separately (the OpenAI adapters subtract `cached_tokens` from `prompt_tokens`). So a request
// costs input x input price + output x output price + cache reads x cache-read price + cache
// writes x cache-write price, with no double counting.
//
// The '*' glob matcher for overrides is written here: it is a few lines and fnmatch(3) would also
// give '?', '[...]' and '\' meanings the configuration does not promise.
#include "governance/pricing.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "core/json_util.h"

namespace hd::embedded {
extern const unsigned char pricing_json[];
extern const std::size_t pricing_json_size;
} // namespace hd::embedded

namespace hd::governance {
namespace {

namespace js = boost::json;

constexpr double kNanoPerUsd = 1e9;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

// Case-insensitive match of `s` against `pattern`, where '*' matches any run of characters
// (both already lower-case). Iterative with one backtrack point: linear in practice, no recursion.
bool globMatch(std::string_view pattern, std::string_view s) {
  std::size_t p = 0;
  std::size_t i = 0;
  std::size_t star = std::string_view::npos;
  std::size_t mark = 0;
  while (i < s.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = i;
    } else if (p < pattern.size() && pattern[p] == s[i]) {
      ++p;
      ++i;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

bool allDigits(std::string_view t) {
  return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A version token: "v1", "v2:0" (Bedrock-style).
bool versionToken(std::string_view t) {
  if (t.size() < 2 || t[0] != 'v') {
    return false;
  }
  auto colon = t.find(':');
  if (colon == std::string_view::npos) {
    return allDigits(t.substr(1));
  }
  return allDigits(t.substr(1, colon - 1)) && allDigits(t.substr(colon + 1));
}

// Whether `rest` (what follows a known model name) is a date or version suffix, such as
// "-20250929", "-2024-08-06", "@20250929", "-v1:0", "-latest" or "-preview". The first token must
// be a date-like number (4+ digits), a version or latest/preview, so "claude-opus-4-7" is not taken
// for "claude-opus-4" and "o1-pro" not for "o1".
bool dateOrVersionSuffix(std::string_view rest) {
  if (rest.size() < 2 || (rest[0] != '-' && rest[0] != '@')) {
    return false;
  }
  bool first = true;
  std::size_t pos = 1;
  while (pos <= rest.size()) {
    std::size_t end = rest.find_first_of("-@.", pos);
    if (end == std::string_view::npos) {
      end = rest.size();
    }
    std::string_view token = rest.substr(pos, end - pos);
    bool ok = false;
    if (first) {
      ok = (allDigits(token) && token.size() >= 4) || versionToken(token) || token == "latest" || token == "preview";
    } else {
      ok = allDigits(token) || versionToken(token) || token == "latest" || token == "preview";
    }
    if (!ok) {
      return false;
    }
    first = false;
    pos = end + 1;
  }
  return true;
}

std::string keyPath(std::string_view model, std::string_view field) {
  return fmt::format("models[{}].{}", hd::json::quote(model.substr(0, 128)), field);
}

} // namespace

Result<Pricing> Pricing::fromJson(std::string_view text) {
  auto fail = [](std::string msg) { return Error::invalidRequest("pricing catalogue: " + std::move(msg)); };
  auto parsed = hd::json::parse(text);
  if (!parsed.ok()) {
    return fail(parsed.error().message);
  }
  const js::value& root = parsed.value();
  if (!root.is_object()) {
    return fail("the document must be a JSON object with a \"models\" object");
  }
  const js::object& obj = root.get_object();
  Pricing out;
  if (const auto* src = obj.if_contains("sources")) {
    if (!src->is_array()) {
      return fail("sources: expected an array of strings");
    }
    for (std::size_t i = 0; i < src->get_array().size(); ++i) {
      const auto& s = src->get_array()[i];
      if (!s.is_string()) {
        return fail(fmt::format("sources[{}]: expected a string", i));
      }
      if (!out.source_.empty()) {
        out.source_ += ", ";
      }
      out.source_ += std::string_view(s.get_string());
    }
  }
  if (const auto* r = obj.if_contains("retrieved")) {
    if (!r->is_string()) {
      return fail("retrieved: expected a date string");
    }
    out.source_ += fmt::format(" (retrieved {})", std::string_view(r->get_string()));
  }
  const auto* models = obj.if_contains("models");
  if (models == nullptr) {
    return fail("models: required (an object of model name -> prices)");
  }
  if (!models->is_object()) {
    return fail("models: expected an object of model name -> prices");
  }
  for (const auto& [name, v] : models->get_object()) {
    if (name.empty()) {
      return fail("models: a model name is empty");
    }
    if (!v.is_object()) {
      return fail(fmt::format("models[{}]: expected an object of prices", hd::json::quote(name.substr(0, 128))));
    }
    const js::object& m = v.get_object();
    Entry e;
    e.model = lower(name);
    struct Field {
      std::string_view key;
      double* out;
      bool required;
    };
    const Field fields[] = {
        {"input_cost_per_token", &e.price.input, true},
        {"output_cost_per_token", &e.price.output, true},
        {"cache_read_input_token_cost", &e.price.cache_read, false},
        {"cache_creation_input_token_cost", &e.price.cache_write, false},
    };
    for (const auto& f : fields) {
      const auto* fv = m.if_contains(f.key);
      if (fv == nullptr) {
        if (f.required) {
          return fail(keyPath(name, f.key) + ": required (USD per token)");
        }
        continue;
      }
      auto d = hd::json::asDouble(*fv);
      // A token costing a dollar or more is certainly a unit mistake (prices are per token, not per million).
      if (!d || !std::isfinite(*d) || *d < 0 || *d >= 1) {
        return fail(keyPath(name, f.key) + ": expected a number of USD per token, at least 0 and below 1");
      }
      *f.out = *d;
    }
    for (const char* text_key : {"source", "note"}) {
      const auto* t = m.if_contains(text_key);
      if (t != nullptr && !t->is_string()) {
        return fail(keyPath(name, text_key) + ": expected a string");
      }
    }
    bool dup =
        std::any_of(out.entries_.begin(), out.entries_.end(), [&](const Entry& x) { return x.model == e.model; });
    if (dup) {
      return fail(
          fmt::format("models[{}]: listed twice (names are case-insensitive)", hd::json::quote(name.substr(0, 128))));
    }
    out.entries_.push_back(std::move(e));
  }
  return out;
}

const Pricing& Pricing::builtin() {
  static const Pricing p = [] {
    std::string_view text(reinterpret_cast<const char*>(hd::embedded::pricing_json), hd::embedded::pricing_json_size);
    auto r = fromJson(text);
    // The catalogue is validated by a unit test; a broken one must not reach a release.
    if (!r.ok()) {
      std::fprintf(stderr, "heimdall: the built-in %s\n", r.error().message.c_str());
      std::abort();
    }
    return std::move(r).value();
  }();
  return p;
}

std::optional<Price> Pricing::find(std::string_view model,
                                   const std::vector<const std::vector<PriceOverride>*>& overrides) const {
  std::string full = lower(model);
  std::string_view name = full;
  if (auto slash = name.rfind('/'); slash != std::string_view::npos) {
    name.remove_prefix(slash + 1);
  }
  for (const auto* list : overrides) {
    if (list == nullptr) {
      continue;
    }
    for (const auto& o : *list) {
      std::string pattern = lower(o.pattern);
      if (globMatch(pattern, name) || globMatch(pattern, full)) {
        return o.price;
      }
    }
  }
  if (name.empty()) {
    return std::nullopt;
  }
  const Entry* best = nullptr;
  for (const auto& e : entries_) {
    if (e.model == name) {
      return e.price;
    }
    if (name.size() > e.model.size() && name.substr(0, e.model.size()) == e.model &&
        dateOrVersionSuffix(name.substr(e.model.size())) && (best == nullptr || e.model.size() > best->model.size())) {
      best = &e;
    }
  }
  if (best != nullptr) {
    return best->price;
  }
  return std::nullopt;
}

namespace {
NanoUsd toNano(long double usd) {
  long double nano = std::round(usd * kNanoPerUsd);
  if (!(nano >= 0)) { // also NaN
    return 0;
  }
  if (nano >= static_cast<long double>(std::numeric_limits<NanoUsd>::max())) {
    return std::numeric_limits<NanoUsd>::max();
  }
  return static_cast<NanoUsd>(nano);
}

long double tokens(std::int64_t n) {
  return static_cast<long double>(std::max<std::int64_t>(0, n));
}
} // namespace

NanoUsd cost(const Price& p, const Usage& u) {
  long double usd = tokens(u.input_tokens) * p.input + tokens(u.output_tokens) * p.output +
                    tokens(u.cache_read_input_tokens) * p.cache_read +
                    tokens(u.cache_creation_input_tokens) * p.cache_write;
  return toNano(usd);
}

NanoUsd estimate(const Price& p, std::int64_t input_tokens, std::int64_t max_output_tokens) {
  return toNano(tokens(input_tokens) * p.input + tokens(max_output_tokens) * p.output);
}

double toUsd(NanoUsd n) {
  return static_cast<double>(n) / kNanoPerUsd;
}

NanoUsd fromUsd(double usd) {
  if (!std::isfinite(usd)) {
    return usd > 0 ? std::numeric_limits<NanoUsd>::max() : 0;
  }
  return toNano(static_cast<long double>(usd));
}

} // namespace hd::governance
