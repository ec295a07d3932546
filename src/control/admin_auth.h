#pragma once
// Admin authentication for the management API (auth_config): HTTP Basic with the admin user, or a
// session token from POST /api/session/login. The password is kept only as an Argon2id hash;
// comparisons are constant-time; failed attempts are rate limited per client address. Sessions
// live in the config store (hashed), so every replica accepts them and they survive restarts.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "config/bootstrap.h"
#include "core/error.h"
#include "store/runner.h"

namespace hd::control {

class ConfigService;

struct Session {
  std::string token; // returned once, at login
  std::chrono::system_clock::time_point expires_at;
};

class AdminAuth {
public:
  // Hashes the configured password (unless it already is an Argon2id hash).
  static Result<std::unique_ptr<AdminAuth>> create(const config::AuthSettings& settings, ConfigService& svc);

  bool enabled() const { return enabled_; }

  // Checks an Authorization header for /api/*: Ok, or 401 (429 while an address is locked out).
  boost::asio::awaitable<Result<Ok>> check(std::string authorization, std::string client);
  boost::asio::awaitable<Result<Session>> login(std::string username, std::string password, std::string client);
  boost::asio::awaitable<void> logout(std::string token);

  static constexpr std::chrono::hours kSessionLifetime{24};
  static constexpr int kMaxFailures = 5; // per address and window
  static constexpr std::chrono::seconds kFailureWindow{60};

private:
  AdminAuth(ConfigService& svc) : svc_(svc) {}

  // Verifies credentials on the hashing thread; true when they match.
  boost::asio::awaitable<bool> verify(std::string username, std::string password);
  // nullopt when the address may try; else the seconds to wait.
  std::optional<long> lockedOut(const std::string& client);
  void recordFailure(const std::string& client);
  void recordSuccess(const std::string& client);

  ConfigService& svc_;
  bool enabled_ = false;
  std::string username_;
  std::string password_hash_;

  std::mutex mu_;
  struct Failures {
    int count = 0;
    std::chrono::steady_clock::time_point window_start;
  };
  std::map<std::string, Failures> failures_;
  // sha256(token or Basic header) -> expiry: tokens and Basic credentials already verified.
  std::map<std::string, std::chrono::system_clock::time_point> verified_;
  store::Runner hasher_; // Argon2id runs here, off the request workers
};

} // namespace hd::control
