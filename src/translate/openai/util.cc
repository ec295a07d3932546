#include "translate/openai/util.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <random>

#include "core/json_util.h"

namespace hd::translate::openai::detail {

namespace js = boost::json;

std::optional<DataUrl> parseDataUrl(std::string_view url) {
  constexpr std::string_view kScheme = "data:";
  constexpr std::string_view kBase64 = ";base64";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return std::nullopt;
  }
  std::size_t comma = url.find(',');
  if (comma == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view header = url.substr(kScheme.size(), comma - kScheme.size());
  if (header.size() < kBase64.size() || header.substr(header.size() - kBase64.size()) != kBase64) {
    return std::nullopt; // percent-encoded data URLs are not used for images or files
  }
  header.remove_suffix(kBase64.size());
  return DataUrl{std::string(header), std::string(url.substr(comma + 1))};
}

std::string makeDataUrl(std::string_view media_type, std::string_view base64) {
  std::string out;
  out.reserve(media_type.size() + base64.size() + 13);
  out.append("data:").append(media_type).append(";base64,").append(base64);
  return out;
}

std::string_view asStringView(const js::value& v) {
  if (!v.is_string()) {
    return {};
  }
  return {v.get_string().data(), v.get_string().size()};
}

const js::value* field(const js::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v == nullptr || v->is_null() ? nullptr : v;
}

Error bad(std::string_view path, std::string_view what) {
  return Error::invalidRequest(fmt::format("{}: {}", path, what));
}

js::value parseArguments(std::string_view args) {
  if (args.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return js::object{};
  }
  auto parsed = json::parse(args);
  if (parsed && parsed->is_object()) {
    return std::move(parsed.value());
  }
  return js::string(args);
}

js::object toolCall(const ir::Block& b) {
  js::object fn;
  fn["name"] = b.name;
  fn["arguments"] = serializeArguments(b.input);
  js::object call;
  call["id"] = b.id;
  call["type"] = "function";
  call["function"] = std::move(fn);
  return call;
}

std::string serializeArguments(const js::value& input) {
  if (input.is_string()) {
    return std::string(asStringView(input));
  }
  if (input.is_null()) {
    return "{}";
  }
  return js::serialize(input);
}

std::string stopReasonFromFinish(std::string_view finish_reason, bool called_tools) {
  if (finish_reason == "length") {
    return "max_tokens";
  }
  if (finish_reason == "tool_calls" || finish_reason == "function_call") {
    return "tool_use";
  }
  if (finish_reason == "content_filter") {
    return "refusal";
  }
  return called_tools ? "tool_use" : "end_turn";
}

std::string finishReasonFromStop(std::string_view stop_reason) {
  if (stop_reason == "max_tokens" || stop_reason == "model_context_window_exceeded") {
    return "length";
  }
  if (stop_reason == "tool_use") {
    return "tool_calls";
  }
  if (stop_reason == "refusal") {
    return "content_filter";
  }
  return "stop";
}

namespace {
std::int64_t intField(const js::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) {
    return 0;
  }
  return std::max<std::int64_t>(0, asInt(*v).value_or(0));
}
} // namespace

Usage usageFromOpenAI(const js::object& usage) {
  Usage u;
  std::int64_t prompt = intField(usage, "prompt_tokens");
  std::int64_t cached = 0;
  std::int64_t written = 0;
  if (const auto* d = usage.if_contains("prompt_tokens_details"); d != nullptr && d->is_object()) {
    cached = intField(d->get_object(), "cached_tokens");
    written = intField(d->get_object(), "cache_write_tokens");
  }
  u.input_tokens = std::max<std::int64_t>(0, prompt - cached - written);
  u.cache_read_input_tokens = cached;
  u.cache_creation_input_tokens = written;
  u.output_tokens = intField(usage, "completion_tokens");
  u.reported = true;
  return u;
}

js::object usageToOpenAI(const Usage& usage) {
  std::int64_t prompt = usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens;
  js::object o;
  o["prompt_tokens"] = prompt;
  o["completion_tokens"] = usage.output_tokens;
  o["total_tokens"] = prompt + usage.output_tokens;
  js::object details;
  details["cached_tokens"] = usage.cache_read_input_tokens;
  if (usage.cache_creation_input_tokens > 0) {
    details["cache_write_tokens"] = usage.cache_creation_input_tokens;
  }
  o["prompt_tokens_details"] = std::move(details);
  return o;
}

std::string messageIdFromCompletionId(std::string_view id) {
  constexpr std::string_view kPrefix = "chatcmpl-";
  if (id.substr(0, kPrefix.size()) == kPrefix) {
    id.remove_prefix(kPrefix.size());
  }
  if (id.empty()) {
    return randomId("msg_");
  }
  return "msg_" + std::string(id);
}

std::string completionIdFromMessageId(std::string_view id) {
  constexpr std::string_view kPrefix = "msg_";
  if (id.substr(0, kPrefix.size()) == kPrefix) {
    id.remove_prefix(kPrefix.size());
  }
  if (id.empty()) {
    return randomId("chatcmpl-");
  }
  return "chatcmpl-" + std::string(id);
}

std::string randomId(std::string_view prefix) {
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string out(prefix);
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  for (int i = 0; i < 24; ++i) {
    out.push_back(kAlphabet[pick(rng)]);
  }
  return out;
}

} // namespace hd::translate::openai::detail
