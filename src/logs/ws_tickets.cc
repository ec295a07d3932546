#include "logs/ws_tickets.h"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace hd::logs {

std::string WsTickets::issue() {
  std::array<unsigned char, 32> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string t = "wst_";
  for (unsigned char c : raw) {
    t.push_back(kHex[c >> 4]);
    t.push_back(kHex[c & 0xf]);
  }
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lk(mu_);
  prune(now);
  if (tickets_.size() >= kMaxOutstanding) {
    tickets_.erase(tickets_.begin());
  }
  tickets_.emplace(t, now + kLifetime);
  return t;
}

bool WsTickets::redeem(std::string_view ticket) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lk(mu_);
  prune(now);
  auto it = tickets_.find(ticket);
  if (it == tickets_.end()) {
    return false;
  }
  tickets_.erase(it);
  return true;
}

void WsTickets::prune(std::chrono::steady_clock::time_point now) {
  std::erase_if(tickets_, [now](const auto& kv) { return kv.second <= now; });
}

} // namespace hd::logs
