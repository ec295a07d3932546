#include "inbound/anthropic/token_estimate.h"

#include <boost/json.hpp>
#include <cmath>

namespace hd::inbound::anthropic {

namespace js = boost::json;

namespace {

// Claude's BPE averages roughly 3.5 bytes per token on English prose and code, and fewer on JSON-heavy
// or non-Latin text. The estimate splits text into runs of letters/digits (costed at ~4 bytes a token),
// single punctuation/symbol bytes (~1 token each, as BPE rarely merges them across word boundaries) and
// non-ASCII bytes (~2.5 bytes a token).
double textTokens(std::string_view s) {
  double tokens = 0;
  std::size_t run = 0;
  std::size_t non_ascii = 0;
  auto flush = [&] {
    if (run > 0) {
      tokens += std::ceil(static_cast<double>(run) / 4.0);
      run = 0;
    }
  };
  for (unsigned char c : s) {
    if (c >= 0x80) {
      flush();
      ++non_ascii;
    } else if (std::isalnum(c) != 0) {
      ++run;
    } else {
      flush();
      if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
        tokens += 1;
      }
    }
  }
  flush();
  tokens += static_cast<double>(non_ascii) / 2.5;
  return tokens;
}

double valueTokens(const js::value& v);

double contentTokens(const js::value& content) {
  if (content.is_string()) {
    return textTokens(content.get_string());
  }
  if (!content.is_array()) {
    return valueTokens(content);
  }
  double t = 0;
  for (const auto& block : content.get_array()) {
    if (!block.is_object()) {
      continue;
    }
    const auto& b = block.get_object();
    const auto* type = b.if_contains("type");
    std::string_view ty = type != nullptr && type->is_string() ? std::string_view(type->get_string()) : "";
    if (ty == "text") {
      if (const auto* x = b.if_contains("text")) {
        t += valueTokens(*x);
      }
    } else if (ty == "image") {
      t += 1600; // a typical ~1.15 MP image; Anthropic's formula is width*height/750
    } else if (ty == "document") {
      t += 1500;
    } else if (ty == "tool_use") {
      if (const auto* x = b.if_contains("name")) {
        t += valueTokens(*x);
      }
      if (const auto* x = b.if_contains("input")) {
        t += textTokens(js::serialize(*x));
      }
      t += 4;
    } else if (ty == "tool_result") {
      if (const auto* x = b.if_contains("content")) {
        t += contentTokens(*x);
      }
      t += 4;
    } else if (ty == "thinking") {
      if (const auto* x = b.if_contains("thinking")) {
        t += valueTokens(*x);
      }
    } else {
      t += textTokens(js::serialize(block));
    }
  }
  return t;
}

double valueTokens(const js::value& v) {
  if (v.is_string()) {
    return textTokens(v.get_string());
  }
  return textTokens(js::serialize(v));
}

} // namespace

std::int64_t estimateInputTokens(const js::object& request) {
  double t = 3; // message framing
  if (const auto* sys = request.if_contains("system")) {
    t += contentTokens(*sys) + 2;
  }
  if (const auto* msgs = request.if_contains("messages"); msgs != nullptr && msgs->is_array()) {
    for (const auto& m : msgs->get_array()) {
      if (!m.is_object()) {
        continue;
      }
      t += 4; // role and turn markers
      if (const auto* c = m.get_object().if_contains("content")) {
        t += contentTokens(*c);
      }
    }
  }
  if (const auto* tools = request.if_contains("tools"); tools != nullptr && tools->is_array()) {
    t += 150; // tool-use system preamble
    for (const auto& tool : tools->get_array()) {
      t += textTokens(js::serialize(tool)) + 6;
    }
  }
  return static_cast<std::int64_t>(std::ceil(t));
}

} // namespace hd::inbound::anthropic
