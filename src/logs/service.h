#pragma once
// The request log as a whole: the writer (an obs::Sink), the live feed (another sink), the store used
// by API queries (on its own thread, its own connection) and the WebSocket tickets. Built at start-up
// from logs_store; registered on the hub and the router by server/app.cc.
//
// Tuning through the environment (tests, benchmarks): HEIMDALL_LOGS_QUEUE_SIZE (records waiting to be
// written, default 10000), HEIMDALL_LOGS_BATCH_SIZE (default 500), HEIMDALL_LOGS_FLUSH_MS (how long a record may
// wait to share a transaction, default 100), HEIMDALL_LOGS_RETENTION_INTERVAL_MS
// (how often retention runs, default one hour), HEIMDALL_WS_PING_MS (live feed pings, default 20000).

#include <memory>
#include <string>

#include "config/bootstrap.h"
#include "config/snapshot.h"
#include "logs/live_feed.h"
#include "logs/log_store.h"
#include "logs/writer.h"
#include "logs/ws_tickets.h"
#include "store/runner.h"

namespace hd::logs {

class LogService {
public:
  // nullptr (and no error) when logs_store.enabled is false.
  static Result<std::unique_ptr<LogService>> open(const config::StoreSettings& settings, const std::string& app_dir,
                                                  const config::Snapshot& snapshot);
  ~LogService();

  const std::shared_ptr<LogWriter>& writer() const { return writer_; }
  const std::shared_ptr<LiveFeed>& feed() const { return feed_; }
  WsTickets& tickets() { return tickets_; }
  std::chrono::milliseconds pingInterval() const { return ping_; }
  std::string describe() const { return describe_; }

  // Awaits `f(store)` on the query thread.
  template <class F> boost::asio::awaitable<std::invoke_result_t<F, LogStore&>> query(F f) {
    LogStore* s = reader_.get();
    // A named callable, not a temporary inside the co_await (g++ 12 mishandles such temporaries).
    auto call = [s, fn = std::move(f)]() mutable { return fn(*s); };
    auto out = co_await runner_.run(std::move(call));
    co_return out;
  }

  // Writes what is queued and stops the writer.
  void stop();

private:
  LogService() = default;

  std::unique_ptr<LogStore> reader_;
  store::Runner runner_; // declared after reader_: joined before the reader goes away
  std::shared_ptr<LogWriter> writer_;
  std::shared_ptr<LiveFeed> feed_;
  WsTickets tickets_;
  std::chrono::milliseconds ping_{20000};
  std::string describe_;
};

} // namespace hd::logs
