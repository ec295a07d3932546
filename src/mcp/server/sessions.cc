#include "mcp/server/sessions.h"

#include <fmt/format.h>

#include <utility>

namespace hd::mcp::server {

std::string Sessions::newId() {
  // 128 random bits, as a UUID-shaped string (visible ASCII, as the spec requires).
  std::uint64_t a = rng_();
  std::uint64_t b = rng_();
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xffff, b >> 48,
                     b & 0xffffffffffffULL);
}

void Sessions::expire(Clock::time_point now, Clock::duration idle) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (!it->second.streaming && now - it->second.last_seen > idle) {
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

SessionInfo Sessions::create(std::string protocol_version, std::string vk_id, Clock::duration idle) {
  std::lock_guard lock(mu_);
  auto now = Clock::now();
  expire(now, idle);
  if (sessions_.size() >= kMaxSessions) {
    // Evict the least recently used session without a stream.
    auto victim = sessions_.end();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (!it->second.streaming && (victim == sessions_.end() || it->second.last_seen < victim->second.last_seen)) {
        victim = it;
      }
    }
    if (victim != sessions_.end()) {
      sessions_.erase(victim);
    }
  }
  Session s;
  s.info = SessionInfo{newId(), std::move(protocol_version), std::move(vk_id)};
  s.last_seen = now;
  auto info = s.info;
  sessions_.emplace(info.id, std::move(s));
  return info;
}

std::optional<SessionInfo> Sessions::find(const std::string& id, Clock::duration idle) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) {
    return std::nullopt;
  }
  auto now = Clock::now();
  if (!it->second.streaming && now - it->second.last_seen > idle) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen = now;
  return it->second.info;
}

bool Sessions::remove(const std::string& id) {
  std::function<void()> waker;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) {
      return false;
    }
    waker = std::move(it->second.waker);
    sessions_.erase(it);
  }
  if (waker) {
    waker();
  }
  return true;
}

void Sessions::clear() {
  std::vector<std::function<void()>> wakers;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, s] : sessions_) {
      if (s.waker) {
        wakers.push_back(std::move(s.waker));
      }
    }
    sessions_.clear();
  }
  for (auto& w : wakers) {
    w();
  }
}

std::size_t Sessions::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

void Sessions::broadcast(const std::string& message) {
  std::vector<std::function<void()>> wakers;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, s] : sessions_) {
      s.outbox.push_back(message);
      while (s.outbox.size() > kMaxOutbox) {
        s.outbox.pop_front();
      }
      if (s.waker) {
        wakers.push_back(s.waker);
      }
    }
  }
  for (auto& w : wakers) {
    w();
  }
}

void Sessions::trackCall(const std::string& id, const std::string& request_key, std::function<void()> cancel) {
  std::lock_guard lock(mu_);
  if (auto it = sessions_.find(id); it != sessions_.end() && it->second.calls.size() < 1000) {
    it->second.calls[request_key] = std::move(cancel);
  }
}

void Sessions::untrackCall(const std::string& id, const std::string& request_key) {
  std::lock_guard lock(mu_);
  if (auto it = sessions_.find(id); it != sessions_.end()) {
    it->second.calls.erase(request_key);
  }
}

bool Sessions::cancelCall(const std::string& id, const std::string& request_key) {
  std::function<void()> cancel;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) {
      return false;
    }
    auto c = it->second.calls.find(request_key);
    if (c == it->second.calls.end()) {
      return false;
    }
    cancel = std::move(c->second);
    it->second.calls.erase(c);
  }
  if (cancel) {
    cancel();
  }
  return true;
}

std::optional<std::uint64_t> Sessions::attachStream(const std::string& id, std::function<void()> waker) {
  std::function<void()> previous;
  std::uint64_t gen = 0;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) {
      return std::nullopt;
    }
    gen = ++it->second.stream_generation;
    it->second.streaming = true;
    it->second.last_seen = Clock::now();
    previous = std::exchange(it->second.waker, std::move(waker));
  }
  if (previous) {
    previous(); // the replaced stream notices and ends
  }
  return gen;
}

std::vector<std::string> Sessions::drain(const std::string& id, std::uint64_t generation, bool& alive) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  alive = it != sessions_.end() && it->second.stream_generation == generation;
  if (!alive) {
    return {};
  }
  it->second.last_seen = Clock::now();
  std::vector<std::string> out(it->second.outbox.begin(), it->second.outbox.end());
  it->second.outbox.clear();
  return out;
}

void Sessions::detachStream(const std::string& id, std::uint64_t generation) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  if (it != sessions_.end() && it->second.stream_generation == generation) {
    it->second.streaming = false;
    it->second.waker = nullptr;
    it->second.last_seen = Clock::now();
  }
}

} // namespace hd::mcp::server
