#pragma once
// An Entra ID access token and the instant it expires.

#include <chrono>
#include <string>

namespace hd::auth {

using Clock = std::chrono::system_clock;

struct AccessToken {
  std::string token; // secret: never logged
  Clock::time_point expires_on{};
};

} // namespace hd::auth
