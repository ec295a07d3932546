#include "logs/live_feed.h"

#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include "logs/render.h"
#include "logs/row.h"

namespace hd::logs {

namespace js = boost::json;

std::shared_ptr<LiveFeed::Subscriber> LiveFeed::subscribe(boost::asio::any_io_executor ex) {
  auto s = std::make_shared<Subscriber>(ex);
  std::lock_guard lk(mu_);
  subs_.push_back(s);
  return s;
}

void LiveFeed::unsubscribe(const std::shared_ptr<Subscriber>& s) {
  std::lock_guard lk(mu_);
  std::erase(subs_, s);
}

std::size_t LiveFeed::subscribers() const {
  std::lock_guard lk(mu_);
  return subs_.size();
}

void LiveFeed::broadcast(std::shared_ptr<const std::string> msg) {
  std::vector<std::shared_ptr<Subscriber>> subs;
  {
    std::lock_guard lk(mu_);
    subs = subs_;
  }
  for (auto& s : subs) {
    boost::asio::post(s->executor, [s, msg] {
      if (s->queue.size() >= kMaxQueued) {
        s->skipped++;
        return;
      }
      s->queue.push_back(msg);
      s->wake.cancel();
    });
  }
}

void LiveFeed::onRequest(const std::shared_ptr<const obs::RequestRecord>& record) {
  if (subscribers() == 0 || !enabled_()) {
    return;
  }
  js::object m{{"type", "log"}, {"operation", "create"}, {"payload", entryJson(toRow(*record, false))}};
  broadcast(std::make_shared<const std::string>(js::serialize(m)));
}

void LiveFeed::onMcpCall(const std::shared_ptr<const obs::McpCallRecord>& record) {
  if (subscribers() == 0 || !enabled_()) {
    return;
  }
  js::object m{{"type", "mcp_log"}, {"operation", "create"}, {"payload", mcpEntryJson(toRow(*record))}};
  broadcast(std::make_shared<const std::string>(js::serialize(m)));
}

} // namespace hd::logs
