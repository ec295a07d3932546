#pragma once
// Fan-out of finished records to their consumers (request log writer, metrics, trace exporter, live
// feed). publish() runs on the worker thread that served the request, so a sink must be quick and must
// never block: it copies what it needs or queues the shared record for its own thread.

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "obs/record.h"

namespace hd::obs {

class Sink {
public:
  virtual ~Sink() = default;
  virtual void onRequest(const std::shared_ptr<const RequestRecord>& /*record*/) {}
  virtual void onMcpCall(const std::shared_ptr<const McpCallRecord>& /*record*/) {}
  // True for a sink that reads the request and answer content (the request log): without one, the
  // content is not captured at all.
  virtual bool readsContent() const { return false; }
};

class Hub {
public:
  void add(std::shared_ptr<Sink> sink);
  void publish(std::shared_ptr<const RequestRecord> record) const;
  void publish(std::shared_ptr<const McpCallRecord> record) const;
  bool empty() const;
  // Some sink reads the content (the record's request/response content, an MCP call's arguments/result).
  bool wantsContent() const { return wants_content_.load(std::memory_order_relaxed); }

private:
  std::shared_ptr<const std::vector<std::shared_ptr<Sink>>> sinksNow() const;

  std::atomic<bool> wants_content_{false};
  mutable std::mutex mu_;
  std::shared_ptr<const std::vector<std::shared_ptr<Sink>>> sinks_ =
      std::make_shared<const std::vector<std::shared_ptr<Sink>>>();
};

} // namespace hd::obs
