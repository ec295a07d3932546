#pragma once
// The live configuration: an immutable Config swapped atomically. A request takes one snapshot at its
// start and keeps it to the end, so a reload never changes a request mid-flight.

#include <atomic>
#include <memory>

#include "config/config.h"

namespace hd::config {

class Snapshot {
public:
  explicit Snapshot(ConfigPtr initial) : current_(std::move(initial)) {}
  ConfigPtr get() const { return current_.load(std::memory_order_acquire); }
  void set(ConfigPtr next) { current_.store(std::move(next), std::memory_order_release); }

private:
  std::atomic<ConfigPtr> current_;
};

} // namespace hd::config
