// The in-process counters: one map under one mutex, so `admit` checks and charges every limit of a
// request atomically with respect to every other worker thread.
#include <chrono>
#include <functional>
#include <limits>
#include <mutex>
#include <unordered_map>

#include "governance/counters.h"
#include "governance/counters_util.h"

namespace hd::governance {
namespace {

struct Cell {
  std::int64_t used = 0;
  std::int64_t reserved = 0;
  std::int64_t end_ms = 0; // 0: unknown (restored and not seen since)
};

class MemoryCountersImpl final : public MemoryCounters {
public:
  explicit MemoryCountersImpl(std::function<std::int64_t()> now) : now_(std::move(now)) {}

  std::string_view type() const override { return "memory"; }

  boost::asio::awaitable<Result<Admission>> admit(const std::vector<Limit>& limits, Amounts estimate) override {
    co_return admitSync(limits, estimate);
  }

  boost::asio::awaitable<Result<Ok>> settle(const std::vector<Limit>& limits, Amounts estimate,
                                            Amounts actual) override {
    settleSync(limits, estimate, actual);
    co_return Ok{};
  }

  boost::asio::awaitable<Result<std::vector<CounterValue>>> read(const std::vector<Limit>& limits) override {
    co_return readSync(limits);
  }

  std::vector<std::pair<std::string, std::int64_t>> dump() const override {
    std::lock_guard lock(mu_);
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (const auto& [key, cell] : cells_) {
      if (cell.used != 0) {
        out.emplace_back(key, cell.used);
      }
    }
    return out;
  }

  void restore(const std::vector<std::pair<std::string, std::int64_t>>& used) override {
    std::lock_guard lock(mu_);
    for (const auto& [key, value] : used) {
      Cell& c = cells_[key];
      c.used = std::max<std::int64_t>(0, value);
    }
  }

private:
  Admission admitSync(const std::vector<Limit>& limits, Amounts estimate) {
    const std::int64_t now = now_();
    std::lock_guard lock(mu_);
    prune(now);
    for (std::size_t i = 0; i < limits.size(); ++i) {
      const Limit& l = limits[i];
      auto it = cells_.find(counterKey(l));
      const Cell empty;
      const Cell& c = it == cells_.end() ? empty : it->second;
      if (satAdd(c.used, c.reserved) >= l.max) {
        return Admission{false, i, std::max<std::int64_t>(0, l.window.end_ms - now)};
      }
    }
    for (const Limit& l : limits) {
      Cell& c = cells_[counterKey(l)];
      c.end_ms = l.window.end_ms;
      switch (l.kind) {
      case LimitKind::Requests:
        c.used = satAdd(c.used, 1);
        break;
      case LimitKind::Spend:
        c.reserved = satAdd(c.reserved, std::max<std::int64_t>(0, estimate.spend));
        break;
      case LimitKind::Tokens:
        c.reserved = satAdd(c.reserved, std::max<std::int64_t>(0, estimate.tokens));
        break;
      }
    }
    return Admission{true, 0, 0};
  }

  void settleSync(const std::vector<Limit>& limits, Amounts estimate, Amounts actual) {
    const std::int64_t now = now_();
    std::lock_guard lock(mu_);
    for (const Limit& l : limits) {
      if (l.kind == LimitKind::Requests) {
        continue;
      }
      const bool spend = l.kind == LimitKind::Spend;
      const std::int64_t est = std::max<std::int64_t>(0, spend ? estimate.spend : estimate.tokens);
      const std::int64_t act = std::max<std::int64_t>(0, spend ? actual.spend : actual.tokens);
      auto it = cells_.find(counterKey(l));
      if (it == cells_.end()) {
        if (l.window.end_ms <= now) {
          continue; // the window is over (and was pruned): nothing left to count against
        }
        it = cells_.emplace(counterKey(l), Cell{}).first;
      }
      Cell& c = it->second;
      c.end_ms = l.window.end_ms;
      c.reserved = std::max<std::int64_t>(0, c.reserved - est);
      c.used = satAdd(c.used, act);
    }
  }

  std::vector<CounterValue> readSync(const std::vector<Limit>& limits) const {
    std::lock_guard lock(mu_);
    std::vector<CounterValue> out;
    out.reserve(limits.size());
    for (const Limit& l : limits) {
      auto it = cells_.find(counterKey(l));
      out.push_back(it == cells_.end() ? CounterValue{} : CounterValue{it->second.used, it->second.reserved});
    }
    return out;
  }

  // Drops windows that have ended (at most once a second: a full scan under the lock).
  void prune(std::int64_t now) {
    if (now - last_prune_ms_ < 1000) {
      return;
    }
    last_prune_ms_ = now;
    for (auto it = cells_.begin(); it != cells_.end();) {
      if (it->second.end_ms != 0 && it->second.end_ms <= now) {
        it = cells_.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::function<std::int64_t()> now_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Cell> cells_;
  std::int64_t last_prune_ms_ = std::numeric_limits<std::int64_t>::min() / 2;
};

} // namespace

std::unique_ptr<MemoryCounters> makeMemoryCounters() {
  return makeMemoryCounters(systemNowMs);
}

std::unique_ptr<MemoryCounters> makeMemoryCounters(std::function<std::int64_t()> now_ms) {
  return std::make_unique<MemoryCountersImpl>(std::move(now_ms));
}

} // namespace hd::governance
