#pragma once
// Sessions of the /mcp server (streamable HTTP): created by initialize (the Mcp-Session-Id), touched by
// every request, ended by DELETE or after being idle for `mcp.session_idle_timeout` (an open GET stream
// counts as activity). Each session has an outbox of server notifications that its GET stream sends.
// Shared by all worker threads: one mutex.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace hd::mcp::server {

struct SessionInfo {
  std::string id;
  std::string protocol_version;
  std::string vk_id; // the key that created it ("" without a key)
};

class Sessions {
public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kMaxSessions = 10'000;
  static constexpr std::size_t kMaxOutbox = 64;

  SessionInfo create(std::string protocol_version, std::string vk_id, Clock::duration idle);
  // The live session (touched), or nullopt when unknown or expired.
  std::optional<SessionInfo> find(const std::string& id, Clock::duration idle);
  bool remove(const std::string& id);
  // Ends every session (shutdown): open GET streams finish.
  void clear();
  std::size_t size() const;

  // Queues a notification (serialised JSON-RPC) for every session's GET stream and wakes the streams.
  void broadcast(const std::string& message);

  // Requests in flight, so notifications/cancelled can reach them: `cancel` runs at most once.
  void trackCall(const std::string& id, const std::string& request_key, std::function<void()> cancel);
  void untrackCall(const std::string& id, const std::string& request_key);
  bool cancelCall(const std::string& id, const std::string& request_key);

  // GET streams: attach returns the stream's generation (a newer stream replaces an older one).
  std::optional<std::uint64_t> attachStream(const std::string& id, std::function<void()> waker);
  // Takes the queued messages; `alive` is false once the session ended or another stream replaced this one.
  std::vector<std::string> drain(const std::string& id, std::uint64_t generation, bool& alive);
  void detachStream(const std::string& id, std::uint64_t generation);

private:
  struct Session {
    SessionInfo info;
    Clock::time_point last_seen;
    std::deque<std::string> outbox;
    std::uint64_t stream_generation = 0;
    bool streaming = false;
    std::function<void()> waker;
    std::map<std::string, std::function<void()>> calls; // request id key -> cancel
  };
  void expire(Clock::time_point now, Clock::duration idle);
  std::string newId();

  mutable std::mutex mu_;
  std::map<std::string, Session> sessions_;
  std::mt19937_64 rng_{std::random_device{}()};
};

} // namespace hd::mcp::server
