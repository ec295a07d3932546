#include "auth/token_response.h"

#include <fmt/format.h>

#include <charconv>
#include <ctime>
#include <iomanip>
#include <sstream>

#include "core/json_util.h"

namespace hd::auth {

namespace {

namespace js = boost::json;

constexpr std::size_t kMaxTokenResponse = 256 * 1024;
constexpr std::size_t kMaxErrorSummary = 300;
// Sanity bounds: a token living longer than a year, or an epoch before 2000, is not an answer we trust.
constexpr std::int64_t kMaxLifetimeSeconds = 366LL * 24 * 3600;
constexpr std::int64_t kMinEpoch = 946684800;

// A non-negative whole number given as a JSON number or a string of digits.
std::optional<std::int64_t> wholeSeconds(const js::value& v) {
  if (auto n = json::asInt(v)) {
    return *n >= 0 ? n : std::nullopt;
  }
  if (auto d = json::asDouble(v)) {
    return *d >= 0 && *d < 1e15 ? std::optional<std::int64_t>(static_cast<std::int64_t>(*d)) : std::nullopt;
  }
  if (!v.is_string()) {
    return std::nullopt;
  }
  std::string_view s = v.get_string();
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty() || out < 0) {
    return std::nullopt;
  }
  return out;
}

// Azure CLI's `expiresOn`: local time "YYYY-MM-DD HH:MM:SS" with optional fractional seconds.
std::optional<Clock::time_point> cliLocalTime(std::string_view s) {
  std::tm tm{};
  std::istringstream in{std::string(s.substr(0, 19))};
  in >> std::get_time(&tm, "%Y-%m-%d %H:%M:%S");
  if (in.fail() || s.size() < 19) {
    return std::nullopt;
  }
  tm.tm_isdst = -1;
  std::time_t t = std::mktime(&tm);
  // Outside the plausible window the clock conversion below could overflow; such a date is no answer anyway.
  if (t == static_cast<std::time_t>(-1) || t < kMinEpoch || t >= kMinEpoch + 100 * kMaxLifetimeSeconds) {
    return std::nullopt;
  }
  return Clock::from_time_t(t);
}

std::string bounded(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, kMaxErrorSummary)) {
    if (c == '\r' || c == '\n') {
      break;
    }
    out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
  }
  return out;
}

} // namespace

Result<AccessToken> parseTokenResponse(std::string_view body, Clock::time_point now) {
  if (body.size() > kMaxTokenResponse) {
    return Error::badGateway("token response is too large");
  }
  auto parsed = json::parse(body, 8);
  if (!parsed || !parsed->is_object()) {
    return Error::badGateway("token response is not a JSON object");
  }
  const auto& o = parsed->get_object();
  AccessToken tok;
  auto access = json::getString(o, "access_token");
  if (!access) {
    access = json::getString(o, "accessToken");
  }
  if (!access || access->empty()) {
    return Error::badGateway("token response has no access_token");
  }
  for (char c : *access) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return Error::badGateway("token response has an access_token with characters not allowed in a header");
    }
  }
  tok.token = std::string(*access);
  std::optional<Clock::time_point> expires;
  if (const auto* v = o.if_contains("expires_on")) {
    if (auto secs = wholeSeconds(*v); secs && *secs >= kMinEpoch && *secs < kMinEpoch + 100 * kMaxLifetimeSeconds) {
      expires = Clock::time_point(std::chrono::seconds(*secs));
    }
  }
  if (!expires) {
    if (const auto* v = o.if_contains("expires_in")) {
      if (auto secs = wholeSeconds(*v); secs && *secs <= kMaxLifetimeSeconds) {
        expires = now + std::chrono::seconds(*secs);
      }
    }
  }
  if (!expires) {
    if (auto s = json::getString(o, "expiresOn")) {
      expires = cliLocalTime(*s);
    }
  }
  if (!expires) {
    return Error::badGateway("token response has no usable expiry (expires_on / expires_in)");
  }
  if (*expires <= now) {
    return Error::badGateway("token service returned a token that has already expired");
  }
  if (*expires > now + std::chrono::seconds(kMaxLifetimeSeconds)) {
    return Error::badGateway("token response has an expiry more than a year away");
  }
  tok.expires_on = *expires;
  return tok;
}

std::string describeTokenError(std::string_view body) {
  auto parsed = json::parse(body.substr(0, kMaxTokenResponse), 8);
  if (parsed && parsed->is_object()) {
    const auto& o = parsed->get_object();
    auto err = json::getString(o, "error");
    auto desc = json::getString(o, "error_description");
    if (err && desc) {
      return bounded(fmt::format("{}: {}", *err, *desc));
    }
    if (err) {
      return bounded(*err);
    }
    // Managed identity endpoints sometimes answer {"Message": "..."} or {"error":{"message":...}}.
    if (auto m = json::getString(o, "Message")) {
      return bounded(*m);
    }
    if (auto m = json::getString(o, "message")) {
      return bounded(*m);
    }
    if (const auto* e = o.if_contains("error"); e != nullptr && e->is_object()) {
      if (auto m = json::getString(e->get_object(), "message")) {
        return bounded(*m);
      }
    }
  }
  return "no error description";
}

} // namespace hd::auth
