#include "control/admin_auth.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "control/config_service.h"
#include "secrets/crypto.h"

namespace hd::control {

namespace asio = boost::asio;
using clock = std::chrono::system_clock;

namespace {

constexpr std::chrono::minutes kBasicCacheLifetime{5};

std::int64_t toMs(clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

Error unauthorized() {
  return Error::authentication("admin authentication required: send HTTP Basic credentials or a session token from "
                               "POST /api/session/login as \"Authorization: Bearer <token>\"");
}

} // namespace

Result<std::unique_ptr<AdminAuth>> AdminAuth::create(const config::AuthSettings& settings, ConfigService& svc) {
  std::unique_ptr<AdminAuth> a(new AdminAuth(svc));
  a->enabled_ = settings.enabled;
  if (!a->enabled_) {
    return a;
  }
  a->username_ = settings.admin_username;
  if (settings.admin_password.rfind("$argon2id$", 0) == 0) {
    a->password_hash_ = settings.admin_password;
  } else {
    auto h = secrets::hashPassword(settings.admin_password);
    if (!h) {
      return h.error();
    }
    a->password_hash_ = std::move(h.value());
  }
  return a;
}

std::optional<long> AdminAuth::lockedOut(const std::string& client) {
  std::lock_guard lk(mu_);
  auto it = failures_.find(client);
  if (it == failures_.end()) {
    return std::nullopt;
  }
  auto now = std::chrono::steady_clock::now();
  if (now - it->second.window_start >= kFailureWindow) {
    failures_.erase(it);
    return std::nullopt;
  }
  if (it->second.count < kMaxFailures) {
    return std::nullopt;
  }
  return std::chrono::duration_cast<std::chrono::seconds>(kFailureWindow - (now - it->second.window_start)).count() + 1;
}

void AdminAuth::recordFailure(const std::string& client) {
  std::lock_guard lk(mu_);
  auto now = std::chrono::steady_clock::now();
  auto& f = failures_[client];
  if (f.count == 0 || now - f.window_start >= kFailureWindow) {
    f.count = 0;
    f.window_start = now;
  }
  ++f.count;
  if (failures_.size() > 10000) { // bound memory under a spray of addresses
    failures_.clear();
  }
}

void AdminAuth::recordSuccess(const std::string& client) {
  std::lock_guard lk(mu_);
  failures_.erase(client);
}

asio::awaitable<bool> AdminAuth::verify(std::string username, std::string password) {
  auto job = [this, u = std::move(username), p = std::move(password)] {
    // Both checks always run, so timing does not tell which one failed.
    bool user_ok = secrets::constantTimeEquals(secrets::sha256Hex(u), secrets::sha256Hex(username_));
    bool pass_ok = secrets::verifyPassword(password_hash_, p);
    return user_ok && pass_ok;
  };
  co_return co_await hasher_.run(std::move(job));
}

asio::awaitable<Result<Ok>> AdminAuth::check(std::string authorization, std::string client) {
  if (!enabled_) {
    co_return Ok{};
  }
  if (authorization.empty()) {
    co_return unauthorized();
  }
  std::string digest = secrets::sha256Hex(authorization);
  {
    std::lock_guard lk(mu_);
    if (auto it = verified_.find(digest); it != verified_.end()) {
      if (it->second > clock::now()) {
        co_return Ok{};
      }
      verified_.erase(it);
    }
  }
  if (auto wait = lockedOut(client)) {
    co_return Error::rateLimit(fmt::format("too many failed admin logins from this address; retry in {} s", *wait));
  }
  auto space = authorization.find(' ');
  std::string scheme = authorization.substr(0, space);
  std::string cred = space == std::string::npos ? std::string() : authorization.substr(space + 1);
  for (auto& c : scheme) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (scheme == "basic") {
    auto decoded = secrets::unbase64(cred);
    auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon != std::string::npos && co_await verify(decoded->substr(0, colon), decoded->substr(colon + 1))) {
      recordSuccess(client);
      std::lock_guard lk(mu_);
      verified_[digest] = clock::now() + kBasicCacheLifetime;
      co_return Ok{};
    }
    recordFailure(client);
    co_return unauthorized();
  }
  if (scheme == "bearer" && svc_.writable()) {
    std::string key = "session:" + secrets::sha256Hex(cred);
    auto job = [&]() { return svc_.store()->getMeta(key); };
    auto stored = co_await svc_.runner().run(std::move(job));
    if (stored && stored.value()) {
      std::int64_t expires = std::stoll(*stored.value());
      if (expires > toMs(clock::now())) {
        std::lock_guard lk(mu_);
        // Cached briefly, so a logout on another replica takes effect within a minute.
        verified_[digest] =
            std::min(clock::time_point(std::chrono::milliseconds(expires)), clock::now() + std::chrono::minutes(1));
        co_return Ok{};
      }
    }
  }
  recordFailure(client);
  co_return unauthorized();
}

asio::awaitable<Result<Session>> AdminAuth::login(std::string username, std::string password, std::string client) {
  if (!enabled_) {
    co_return Error::invalidRequest("admin authentication is not enabled (auth_config.is_enabled)");
  }
  if (auto wait = lockedOut(client)) {
    co_return Error::rateLimit(fmt::format("too many failed admin logins from this address; retry in {} s", *wait));
  }
  if (!co_await verify(std::move(username), std::move(password))) {
    recordFailure(client);
    spdlog::warn("admin login failed from {}", client);
    co_return Error::authentication("invalid username or password");
  }
  recordSuccess(client);
  if (!svc_.writable()) {
    co_return Error{ErrorKind::InvalidRequest, 409,
                    "sessions need the config store; use HTTP Basic authentication instead"};
  }
  Session s{secrets::base64url(secrets::randomBytes(32)), clock::now() + kSessionLifetime};
  std::string key = "session:" + secrets::sha256Hex(s.token);
  auto job = [&]() { return svc_.store()->setMeta(key, std::to_string(toMs(s.expires_at))); };
  auto saved = co_await svc_.runner().run(std::move(job));
  if (!saved) {
    co_return saved.error();
  }
  spdlog::info("admin login from {}", client);
  co_return s;
}

asio::awaitable<void> AdminAuth::logout(std::string token) {
  std::string key = "session:" + secrets::sha256Hex(token);
  {
    std::lock_guard lk(mu_);
    verified_.erase(secrets::sha256Hex("Bearer " + token));
  }
  if (svc_.writable()) {
    auto job = [&]() { return svc_.store()->deleteMeta(key); };
    co_await svc_.runner().run(std::move(job));
  }
}

} // namespace hd::control
