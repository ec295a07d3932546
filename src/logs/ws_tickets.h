#pragma once
// Single-use tickets for the live feed's WebSocket (a browser cannot put an Authorization header on a
// WebSocket): POST /api/session/ws-ticket (authenticated) issues one; GET /ws?ticket=... spends it.
// Valid for 30 seconds; kept in memory (a ticket is spent on the replica that issued it).

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace hd::logs {

class WsTickets {
public:
  static constexpr std::chrono::seconds kLifetime{30};
  static constexpr std::size_t kMaxOutstanding = 10000;

  std::string issue();
  // True once per issued, unexpired ticket.
  bool redeem(std::string_view ticket);

private:
  void prune(std::chrono::steady_clock::time_point now);

  std::mutex mu_;
  std::map<std::string, std::chrono::steady_clock::time_point, std::less<>> tickets_; // -> expiry
};

} // namespace hd::logs
