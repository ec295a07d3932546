#pragma once
// Process-wide cache of Entra ID tokens per (credential, scopes), shared by every worker thread.
//
// - A token is served until shortly before it expires. From its refresh point (5 minutes before expiry,
//   or half its lifetime for short-lived tokens) one background refresh starts; requests keep using the
//   current token meanwhile.
// - With no usable token, concurrent requests (on any worker) wait for the one fetch in flight instead of
//   each asking the token service (no thundering herd).
// - A failed fetch keeps the still-valid token and retries with exponential backoff. Once the token has
//   expired, requests during the backoff get the last error at once rather than hammering the service.
//
// Entries are keyed by a string the caller derives without secrets (see auth/registry.h).

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth/credential.h"

namespace hd::auth {

struct TokenCacheOptions {
  std::chrono::seconds refresh_margin{300}; // refresh this long before expiry (at most half the lifetime)
  std::chrono::seconds expiry_margin{30};   // stop using a token this long before expiry (at most 1/10)
  std::chrono::milliseconds backoff_initial{1'000};
  std::chrono::milliseconds backoff_max{30'000};
  std::function<Clock::time_point()> now = [] { return Clock::now(); };
};

class TokenCache {
public:
  explicit TokenCache(TokenCacheOptions opts = {});
  ~TokenCache();
  TokenCache(const TokenCache&) = delete;
  TokenCache& operator=(const TokenCache&) = delete;

  // A usable token for `cred` and `scopes`. `key` identifies the credential (no secrets). `pool` is the
  // calling worker's upstream pool; a fetch started here runs on that worker.
  boost::asio::awaitable<Result<std::string>> get(const std::string& key, const CredentialPtr& cred,
                                                  const std::vector<std::string>& scopes, upstream::Pool& pool);

  // How many fetches have been started (for tests and diagnostics).
  std::size_t fetchCount() const;

  struct Entry;

private:
  void startFetch(const std::shared_ptr<Entry>& e, const CredentialPtr& cred, const std::vector<std::string>& scopes,
                  upstream::Pool& pool);
  boost::asio::awaitable<void> runFetch(std::shared_ptr<Entry> e, CredentialPtr cred, std::vector<std::string> scopes,
                                        upstream::Pool& pool);
  Result<std::string> currentOrError(Entry& e, Clock::time_point now, const std::string& source) const;

  TokenCacheOptions opts_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
  std::size_t fetches_ = 0;
};

} // namespace hd::auth
