#include "obs/hub.h"

namespace hd::obs {

void Hub::add(std::shared_ptr<Sink> sink) {
  std::lock_guard lk(mu_);
  auto next = std::make_shared<std::vector<std::shared_ptr<Sink>>>(*sinks_);
  if (sink->readsContent()) {
    wants_content_.store(true, std::memory_order_relaxed);
  }
  next->push_back(std::move(sink));
  sinks_ = std::move(next);
}

std::shared_ptr<const std::vector<std::shared_ptr<Sink>>> Hub::sinksNow() const {
  std::lock_guard lk(mu_);
  return sinks_;
}

void Hub::publish(std::shared_ptr<const RequestRecord> record) const {
  for (const auto& s : *sinksNow()) {
    s->onRequest(record);
  }
}

void Hub::publish(std::shared_ptr<const McpCallRecord> record) const {
  for (const auto& s : *sinksNow()) {
    s->onMcpCall(record);
  }
}

bool Hub::empty() const {
  return sinksNow()->empty();
}

} // namespace hd::obs
