#include "logs/writer.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/thread_name.h"

namespace hd::logs {

namespace {
constexpr int kWriteAttempts = 4;
}

LogWriter::LogWriter(std::unique_ptr<LogStore> store, WriterOptions opts)
    : store_(std::move(store)), opts_(std::move(opts)) {
  thread_ = std::thread([this] {
    nameThisThread("hd-log-writer");
    run();
  });
}

LogWriter::~LogWriter() {
  stop();
}

void LogWriter::stop() {
  if (stopped_.exchange(true)) {
    return;
  }
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void LogWriter::onRequest(const std::shared_ptr<const obs::RequestRecord>& record) {
  if (opts_.enabled()) {
    push(Item{record, nullptr});
  }
}

void LogWriter::onMcpCall(const std::shared_ptr<const obs::McpCallRecord>& record) {
  if (opts_.enabled()) {
    push(Item{nullptr, record});
  }
}

void LogWriter::push(Item item) {
  {
    std::lock_guard lk(mu_);
    if (stopping_ || queue_.size() >= opts_.queue_size) {
      dropped_.fetch_add(1);
      return;
    }
    queue_.push_back(std::move(item));
    // The writer waits for the first record (then lingers for more) and for a full batch.
    if (queue_.size() != 1 && queue_.size() != opts_.batch_size) {
      return;
    }
  }
  cv_.notify_one();
}

void LogWriter::run() {
  auto next_retention = std::chrono::steady_clock::now();
  std::unique_lock lk(mu_);
  for (;;) {
    if (std::chrono::steady_clock::now() >= next_retention) {
      lk.unlock();
      enforceRetention();
      lk.lock();
      next_retention = std::chrono::steady_clock::now() + opts_.retention_interval;
    }
    if (auto due = LogStore::orphanSweepDue(); due && unixNowMs() >= *due) {
      lk.unlock();
      if (auto r = store_->sweepOrphanParts(); !r) {
        spdlog::error("request log: removing unused shared parts failed: {}", r.error().message);
      }
      lk.lock();
    }
    if (!queue_.empty() && queue_.size() < opts_.batch_size && !stopping_) {
      // Group commit: let more records join this batch, up to the flush interval or a full batch.
      auto flush_at = std::chrono::steady_clock::now() + opts_.flush_interval;
      cv_.wait_until(lk, std::min(flush_at, next_retention),
                     [&] { return stopping_ || queue_.size() >= opts_.batch_size; });
    }
    if (!queue_.empty()) {
      std::vector<Item> batch;
      std::size_t n = std::min(queue_.size(), opts_.batch_size);
      batch.reserve(n);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      lk.unlock();
      write(batch);
      lk.lock();
      continue;
    }
    if (stopping_) {
      return;
    }
    auto wake = next_retention;
    if (auto due = LogStore::orphanSweepDue()) {
      wake = std::min(wake, std::chrono::steady_clock::now() +
                                std::chrono::milliseconds(std::max<std::int64_t>(*due - unixNowMs() + 1, 0)));
    }
    cv_.wait_until(lk, wake, [&] { return stopping_ || !queue_.empty(); });
  }
}

Result<Ok> LogWriter::insert(const std::vector<Item>& batch) {
  // The conversion (including the reconstruction of streamed answers) runs here, off the request path,
  // one statement's worth of records at a time: each record is converted and copied into the database
  // while its memory is still in the core's caches (a batch's records would not all fit).
  if (auto r = store_->begin(); !r) {
    return r;
  }
  std::deque<LogRowView> logs;
  std::vector<McpRow> mcp;
  for (std::size_t i = 0; i < batch.size();) {
    logs.clear();
    mcp.clear();
    for (; i < batch.size() && logs.size() < LogStore::kRowsPerInsert; ++i) {
      if (batch[i].request) {
        logs.emplace_back(*batch[i].request);
      } else if (batch[i].mcp) {
        mcp.push_back(toRow(*batch[i].mcp));
      }
    }
    if (auto r = store_->append(logs, mcp); !r) {
      store_->rollback();
      return r;
    }
  }
  return store_->commit();
}

void LogWriter::write(std::vector<Item>& batch) {
  for (int attempt = 1;; ++attempt) {
    auto r = insert(batch);
    if (r) {
      break;
    }
    if (attempt >= kWriteAttempts) {
      dropped_.fetch_add(static_cast<std::int64_t>(batch.size()));
      auto now = std::chrono::steady_clock::now();
      if (now - last_error_log_ > std::chrono::seconds(10)) {
        last_error_log_ = now;
        spdlog::error("request log: {} record(s) dropped: {}", batch.size(), r.error().message);
      }
      break;
    }
    spdlog::warn("request log: write failed (attempt {}): {}", attempt, r.error().message);
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, std::chrono::milliseconds(100 * attempt), [&] { return stopping_; });
  }
}

void LogWriter::enforceRetention() {
  int days = opts_.retention_days();
  if (days <= 0) {
    return;
  }
  auto cutoff = unixNowMs() - static_cast<std::int64_t>(days) * 86400 * 1000;
  auto r = store_->removeOlderThan(cutoff);
  if (!r) {
    spdlog::error("request log: retention cleanup failed: {}", r.error().message);
  } else if (*r > 0) {
    spdlog::info("request log: removed {} record(s) older than {} day(s)", *r, days);
  }
}

} // namespace hd::logs
