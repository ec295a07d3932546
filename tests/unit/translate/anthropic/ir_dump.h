#pragma once
// Test helper: every field of an IR value as JSON, so gtest comparisons print readable diffs.

#include <boost/json.hpp>
#include <string>

#include "core/ir.h"

namespace hd::translate::anthropic::testing {

inline boost::json::value optObject(const std::optional<boost::json::object>& o) {
  return o ? boost::json::value(*o) : boost::json::value(nullptr);
}

inline boost::json::value dumpUsage(const Usage& u) {
  return {{"input_tokens", u.input_tokens},
          {"output_tokens", u.output_tokens},
          {"cache_creation_input_tokens", u.cache_creation_input_tokens},
          {"cache_read_input_tokens", u.cache_read_input_tokens},
          {"reported", u.reported}};
}

inline boost::json::value dumpBlock(const ir::Block& b) {
  boost::json::array content;
  for (const auto& c : b.content) {
    content.push_back(dumpBlock(c));
  }
  return {{"type", static_cast<int>(b.type)},
          {"text", b.text},
          {"signature", b.signature},
          {"data", b.data},
          {"source_type", b.source_type},
          {"media_type", b.media_type},
          {"url", b.url},
          {"id", b.id},
          {"name", b.name},
          {"input", b.input},
          {"content", std::move(content)},
          {"is_error", b.is_error},
          {"cache_control", optObject(b.cache_control)},
          {"citations", b.citations}};
}

inline boost::json::array dumpBlocks(const std::vector<ir::Block>& blocks) {
  boost::json::array out;
  for (const auto& b : blocks) {
    out.push_back(dumpBlock(b));
  }
  return out;
}

inline boost::json::value dumpRequest(const ir::Request& r) {
  boost::json::array messages;
  for (const auto& m : r.messages) {
    messages.push_back({{"role", static_cast<int>(m.role)}, {"content", dumpBlocks(m.content)}});
  }
  boost::json::array tools;
  for (const auto& t : r.tools) {
    tools.push_back({{"name", t.name},
                     {"description", t.description},
                     {"input_schema", t.input_schema},
                     {"cache_control", optObject(t.cache_control)},
                     {"strict", t.strict ? boost::json::value(*t.strict) : boost::json::value(nullptr)},
                     {"defer_loading", t.defer_loading},
                     {"server_type", t.server_type},
                     {"raw", t.raw}});
  }
  boost::json::array stops;
  for (const auto& s : r.stop_sequences) {
    stops.emplace_back(boost::json::string_view(s));
  }
  auto opt = [](const auto& o) { return o ? boost::json::value(*o) : boost::json::value(nullptr); };
  return {{"model", r.model},
          {"system", dumpBlocks(r.system)},
          {"messages", std::move(messages)},
          {"tools", std::move(tools)},
          {"tool_choice",
           {{"kind", static_cast<int>(r.tool_choice.kind)},
            {"name", r.tool_choice.name},
            {"disable_parallel_tool_use", r.tool_choice.disable_parallel_tool_use}}},
          {"max_tokens", opt(r.max_tokens)},
          {"temperature", opt(r.temperature)},
          {"top_p", opt(r.top_p)},
          {"top_k", opt(r.top_k)},
          {"stop_sequences", std::move(stops)},
          {"stream", r.stream},
          {"thinking", {{"kind", static_cast<int>(r.thinking.kind)}, {"budget_tokens", r.thinking.budget_tokens}}},
          {"reasoning_effort", r.reasoning_effort},
          {"json_schema", optObject(r.json_schema)},
          {"json_object", r.json_object},
          {"user", r.user},
          {"seed", opt(r.seed)},
          {"parallel_tool_calls", opt(r.parallel_tool_calls)},
          {"extensions", r.extensions}};
}

inline boost::json::value dumpResponse(const ir::Response& r) {
  return {{"id", r.id},
          {"model", r.model},
          {"content", dumpBlocks(r.content)},
          {"stop_reason", r.stop_reason},
          {"stop_sequence", r.stop_sequence},
          {"usage", dumpUsage(r.usage)}};
}

inline boost::json::value dumpEvent(const ir::StreamEvent& e) {
  return {{"type", static_cast<int>(e.type)},
          {"id", e.id},
          {"model", e.model},
          {"usage", dumpUsage(e.usage)},
          {"index", e.index},
          {"block", dumpBlock(e.block)},
          {"delta", static_cast<int>(e.delta)},
          {"delta_text", e.delta_text},
          {"stop_reason", e.stop_reason},
          {"stop_sequence", e.stop_sequence},
          {"error_type", e.error_type},
          {"error_message", e.error_message}};
}

// Serialised, for EXPECT_EQ messages.
inline std::string show(const boost::json::value& v) {
  return boost::json::serialize(v);
}

} // namespace hd::translate::anthropic::testing
