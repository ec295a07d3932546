#include "inbound/anthropic/usage_tracker.h"

#include <boost/json.hpp>

#include "core/json_util.h"

namespace hd::inbound::anthropic {

namespace js = boost::json;

namespace {

std::int64_t intField(const js::object& o, std::string_view k, std::int64_t fallback) {
  const auto* v = o.if_contains(k);
  if (v == nullptr) {
    return fallback;
  }
  if (v->is_int64()) {
    return v->get_int64();
  }
  if (v->is_uint64()) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  return fallback;
}

void applyUsage(const js::object& u, Usage& usage) {
  usage.input_tokens = intField(u, "input_tokens", usage.input_tokens);
  usage.output_tokens = intField(u, "output_tokens", usage.output_tokens);
  usage.cache_creation_input_tokens = intField(u, "cache_creation_input_tokens", usage.cache_creation_input_tokens);
  usage.cache_read_input_tokens = intField(u, "cache_read_input_tokens", usage.cache_read_input_tokens);
  usage.reported = true;
}

} // namespace

StreamObserver::StreamObserver() : parser_([this](const sse::Event& ev) { onEvent(ev); }) {}

void StreamObserver::onEvent(const sse::Event& ev) {
  if (ev.type == "message_start") {
    saw_start_ = true;
    auto doc = json::parse(ev.data);
    if (doc && doc->is_object()) {
      if (const auto* m = doc->get_object().if_contains("message"); m != nullptr && m->is_object()) {
        if (const auto* u = m->get_object().if_contains("usage"); u != nullptr && u->is_object()) {
          applyUsage(u->get_object(), usage_);
        }
      }
    }
  } else if (ev.type == "message_delta") {
    auto doc = json::parse(ev.data);
    if (doc && doc->is_object()) {
      const auto& o = doc->get_object();
      if (const auto* u = o.if_contains("usage"); u != nullptr && u->is_object()) {
        applyUsage(u->get_object(), usage_);
      }
      if (const auto* d = o.if_contains("delta"); d != nullptr && d->is_object()) {
        if (auto sr = json::getString(d->get_object(), "stop_reason")) {
          stop_reason_ = std::string(*sr);
        }
      }
    }
  } else if (ev.type == "message_stop") {
    saw_stop_ = true;
  } else if (ev.type == "error") {
    saw_error_ = true;
  }
}

Usage usageFromMessage(std::string_view body, std::string* stop_reason) {
  Usage usage;
  auto doc = json::parse(body);
  if (doc && doc->is_object()) {
    const auto& o = doc->get_object();
    if (const auto* u = o.if_contains("usage"); u != nullptr && u->is_object()) {
      applyUsage(u->get_object(), usage);
    }
    if (stop_reason != nullptr) {
      if (auto sr = json::getString(o, "stop_reason")) {
        *stop_reason = std::string(*sr);
      }
    }
  }
  return usage;
}

} // namespace hd::inbound::anthropic
