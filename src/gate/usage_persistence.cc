#include "gate/usage_persistence.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

namespace hd::gate {

namespace js = boost::json;

namespace {
constexpr const char* kMetaKey = "governance_usage";
}

void UsagePersistence::restore() {
  if (!svc_.writable()) {
    return;
  }
  auto saved = svc_.runner().runSync([this] { return svc_.store()->getMeta(kMetaKey); });
  if (!saved || !saved.value()) {
    return;
  }
  boost::system::error_code ec;
  auto v = js::parse(*saved.value(), ec);
  if (ec || !v.is_object()) {
    spdlog::warn("governance: the saved usage counters are unreadable; starting from zero");
    return;
  }
  std::vector<std::pair<std::string, std::int64_t>> used;
  for (const auto& kv : v.get_object()) {
    if (kv.value().is_int64()) {
      used.emplace_back(std::string(kv.key()), kv.value().get_int64());
    }
  }
  counters_.restore(used);
}

void UsagePersistence::flush() {
  if (!svc_.writable()) {
    return;
  }
  js::object o;
  for (const auto& [k, n] : counters_.dump()) {
    o[k] = n;
  }
  std::string text = js::serialize(o);
  auto job = [this, text = std::move(text)] { return svc_.store()->setMeta(kMetaKey, text); };
  if (auto r = svc_.runner().runSync(std::move(job)); !r) {
    spdlog::warn("governance: could not save usage counters: {}", r.error().message);
  }
}

void UsagePersistence::start(boost::asio::io_context& ioc, std::chrono::milliseconds interval) {
  interval_ = interval;
  timer_ = std::make_unique<boost::asio::steady_timer>(ioc);
  schedule();
}

void UsagePersistence::schedule() {
  timer_->expires_after(interval_);
  timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec) {
      return;
    }
    flush();
    schedule();
  });
}

void UsagePersistence::stop() {
  if (timer_) {
    timer_->cancel();
  }
  flush();
}

} // namespace hd::gate
