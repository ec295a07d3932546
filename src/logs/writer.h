#pragma once
// The request log's writer: an obs::Sink that queues finished records (bounded; a full queue drops the
// record and counts it, the request never waits) and one thread that drains the queue in batches, one
// transaction per batch, and enforces retention (client.log_retention_days) periodically.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "logs/log_store.h"
#include "obs/hub.h"

namespace hd::logs {

struct WriterOptions {
  std::size_t queue_size = 10000;
  std::size_t batch_size = 500;
  // How long the first queued record may wait for others to share its transaction (group commit): a
  // commit per record would rewrite every index page each time.
  std::chrono::milliseconds flush_interval{100};
  std::chrono::milliseconds retention_interval{std::chrono::hours(1)};
  std::function<bool()> enabled = [] { return true; };    // client.enable_logging
  std::function<int()> retention_days = [] { return 0; }; // 0: keep forever
};

class LogWriter final : public obs::Sink {
public:
  LogWriter(std::unique_ptr<LogStore> store, WriterOptions opts);
  ~LogWriter() override;
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  void onRequest(const std::shared_ptr<const obs::RequestRecord>& record) override;
  void onMcpCall(const std::shared_ptr<const obs::McpCallRecord>& record) override;
  bool readsContent() const override { return true; }

  // Records not stored: the queue was full, or the database refused the batch.
  std::int64_t dropped() const { return dropped_.load(); }
  // Writes what is queued and stops the thread (idempotent).
  void stop();

private:
  struct Item {
    std::shared_ptr<const obs::RequestRecord> request;
    std::shared_ptr<const obs::McpCallRecord> mcp;
  };
  void push(Item item);
  void run();
  // One transaction for `batch`, retried a few times; what still fails is dropped and counted.
  void write(std::vector<Item>& batch);
  // One attempt: `batch` in one transaction, converted and inserted LogStore::kRowsPerInsert at a time.
  Result<Ok> insert(const std::vector<Item>& batch);
  void enforceRetention();

  std::unique_ptr<LogStore> store_;
  WriterOptions opts_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::atomic<std::int64_t> dropped_{0};
  std::atomic<bool> stopped_{false};
  std::chrono::steady_clock::time_point last_error_log_{};
  std::thread thread_;
};

} // namespace hd::logs
