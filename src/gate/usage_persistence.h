#pragma once
// Keeps the in-process counters' spend across restarts: restored from the config store at start-up,
// written back every few seconds and at shutdown (on the store thread). With several replicas, use
// the Redis counters instead (governance.store).

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "control/config_service.h"
#include "governance/counters.h"

namespace hd::gate {

class UsagePersistence {
public:
  UsagePersistence(governance::MemoryCounters& counters, control::ConfigService& svc)
      : counters_(counters), svc_(svc) {}
  void restore();
  void start(boost::asio::io_context& ioc, std::chrono::milliseconds interval);
  // Stops the timer and writes the last values.
  void stop();

private:
  void schedule();
  void flush();

  governance::MemoryCounters& counters_;
  control::ConfigService& svc_;
  std::unique_ptr<boost::asio::steady_timer> timer_;
  std::chrono::milliseconds interval_{5000};
};

} // namespace hd::gate
