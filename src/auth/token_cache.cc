#include "auth/token_cache.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

namespace hd::auth {

namespace asio = boost::asio;

struct TokenCache::Entry {
  std::optional<AccessToken> token;
  Clock::time_point refresh_at{};
  Clock::time_point usable_until{};
  bool in_flight = false;
  std::optional<Error> last_error;
  Clock::time_point retry_at{};
  std::chrono::milliseconds backoff{0};
  // Waiters for the fetch in flight; each resumes its coroutine on that coroutine's own executor.
  std::vector<std::function<void()>> waiters;
};

namespace {

// Suspends the calling coroutine until the entry's fetch completes. The lock is released only once the
// waiter is registered, so a completion cannot slip in between.
template <class CompletionToken>
auto waitForFetch(std::unique_lock<std::mutex>& lock, TokenCache::Entry& e, CompletionToken&& token) {
  return asio::async_initiate<CompletionToken, void()>(
      [&lock, &e](auto handler) {
        using Handler = decltype(handler);
        auto h = std::make_shared<std::optional<Handler>>(std::move(handler));
        e.waiters.emplace_back([h] {
          auto ex = asio::get_associated_executor(**h);
          asio::post(ex, [h] {
            Handler local = std::move(**h);
            h->reset();
            local();
          });
        });
        lock.unlock();
      },
      token);
}

} // namespace

TokenCache::TokenCache(TokenCacheOptions opts) : opts_(std::move(opts)) {}
TokenCache::~TokenCache() = default;

std::size_t TokenCache::fetchCount() const {
  std::lock_guard lock(mu_);
  return fetches_;
}

Result<std::string> TokenCache::currentOrError(Entry& e, Clock::time_point now, const std::string& source) const {
  if (e.token && now < e.usable_until) {
    return e.token->token;
  }
  if (e.last_error) {
    Error err = *e.last_error;
    if (e.token) {
      err.message =
          fmt::format("the Entra ID token from {} has expired and could not be refreshed: {}", source, err.message);
    }
    return err;
  }
  return Error::badGateway(fmt::format("no Entra ID token from {}", source));
}

asio::awaitable<Result<std::string>> TokenCache::get(const std::string& key, const CredentialPtr& cred,
                                                     const std::vector<std::string>& scopes, upstream::Pool& pool) {
  std::unique_lock lock(mu_);
  auto& slot = entries_[key];
  if (!slot) {
    slot = std::make_shared<Entry>();
  }
  std::shared_ptr<Entry> e = slot;
  auto now = opts_.now();
  if (e->token && now < e->usable_until) {
    if (now >= e->refresh_at && !e->in_flight && now >= e->retry_at) {
      startFetch(e, cred, scopes, pool); // in the background; this request uses the current token
    }
    co_return e->token->token;
  }
  if (!e->in_flight) {
    if (e->last_error && now < e->retry_at) {
      co_return currentOrError(*e, now, cred->source());
    }
    startFetch(e, cred, scopes, pool);
  }
  co_await waitForFetch(lock, *e, asio::use_awaitable);
  lock.lock();
  co_return currentOrError(*e, opts_.now(), cred->source());
}

void TokenCache::startFetch(const std::shared_ptr<Entry>& e, const CredentialPtr& cred,
                            const std::vector<std::string>& scopes, upstream::Pool& pool) {
  e->in_flight = true;
  ++fetches_;
  asio::co_spawn(pool.executor(), runFetch(e, cred, scopes, pool), asio::detached);
}

asio::awaitable<void> TokenCache::runFetch(std::shared_ptr<Entry> e, CredentialPtr cred,
                                           std::vector<std::string> scopes, upstream::Pool& pool) {
  auto r = co_await cred->fetch(pool, scopes);
  std::vector<std::function<void()>> waiters;
  {
    std::lock_guard lock(mu_);
    auto now = opts_.now();
    e->in_flight = false;
    if (r) {
      auto lifetime = std::chrono::duration_cast<std::chrono::milliseconds>(r->expires_on - now);
      auto refresh = std::min<std::chrono::milliseconds>(opts_.refresh_margin, lifetime / 2);
      auto margin = std::min<std::chrono::milliseconds>(opts_.expiry_margin, lifetime / 10);
      e->token = std::move(r.value());
      e->refresh_at = e->token->expires_on - refresh;
      e->usable_until = e->token->expires_on - margin;
      e->last_error.reset();
      e->backoff = std::chrono::milliseconds(0);
      e->retry_at = {};
      spdlog::info("Entra ID token from {} acquired; valid for {} s, refresh in {} s", cred->source(),
                   std::chrono::duration_cast<std::chrono::seconds>(lifetime).count(),
                   std::chrono::duration_cast<std::chrono::seconds>(e->refresh_at - now).count());
    } else {
      e->last_error = r.error();
      e->backoff = e->backoff.count() == 0 ? opts_.backoff_initial : std::min(e->backoff * 2, opts_.backoff_max);
      e->retry_at = now + e->backoff;
      bool still_valid = e->token && now < e->usable_until;
      spdlog::warn("Entra ID token request failed ({}); {}retrying in {} ms", r.error().message,
                   still_valid ? "the current token stays in use; " : "", e->backoff.count());
    }
    waiters.swap(e->waiters);
  }
  for (auto& w : waiters) {
    w();
  }
}

} // namespace hd::auth
