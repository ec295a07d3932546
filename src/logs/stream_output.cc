#include "logs/stream_output.h"

#include <boost/json.hpp>
#include <map>

#include "core/json_check.h"
#include "core/sse.h"
#include "logs/anthropic_fold.h"
#include "logs/anthropic_layout.h"

namespace hd::logs {

namespace js = boost::json;

namespace {

// The events of one stream are parsed into one arena (a monotonic resource): the folded message takes
// their parts by move, and nothing is freed one by one. Runs on the log writer for every streamed
// answer, where allocation was most of its cost.
class EventParser {
public:
  explicit EventParser(js::storage_ptr sp) : sp_(std::move(sp)), parser_(js::storage_ptr(), {}, temp_, sizeof temp_) {}

  std::optional<js::object> object(std::string_view data) {
    auto v = value(data);
    if (!v || !v->is_object()) {
      return std::nullopt;
    }
    return std::move(v->get_object());
  }

private:
  std::optional<js::value> value(std::string_view text) {
    parser_.reset(sp_);
    boost::system::error_code ec;
    parser_.write(text, ec);
    if (ec) {
      return std::nullopt;
    }
    return parser_.release();
  }

  js::storage_ptr sp_;
  unsigned char temp_[4096];
  js::parser parser_;
};

std::string_view str(const js::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

// Anthropic Messages: the message of message_start, with content blocks folded from their deltas.
class AnthropicFolder {
public:
  explicit AnthropicFolder(js::storage_ptr sp) : sp_(sp), message_(sp) {}

  // The events of a long answer are almost all deltas, written by Anthropic (and passed through by
  // Azure) in one layout: {"type":"content_block_delta","index":N,"delta":{"type":"K","F":"..."}}. Such an
  // event is folded here with only its string parsed, as are the block stops, message_stop and pings
  // in that layout; false: anything else (the caller parses it whole).
  bool quick(std::string_view data) {
    if (data == R"({"type":"message_stop"})" || data == R"({"type":"ping"})") {
      return seen_; // nothing to fold (before message_start: not known to be Anthropic's yet)
    }
    if (auto i = anthropic::blockStop(data)) {
      stop(*i);
      return true;
    }
    return delta(data);
  }

  void event(js::object& ev) {
    auto type = str(ev, "type");
    if (type == "message_start") {
      if (auto* m = ev.if_contains("message"); m != nullptr && m->is_object()) {
        message_ = std::move(m->get_object());
        seen_ = true;
      }
    } else if (type == "content_block_start") {
      auto* b = ev.if_contains("content_block");
      if (b != nullptr && b->is_object()) {
        block(index(ev)) = std::move(b->get_object());
      }
    } else if (type == "content_block_delta") {
      const auto* d = ev.if_contains("delta");
      if (d == nullptr || !d->is_object()) {
        return;
      }
      auto& blk = block(index(ev));
      const auto& delta = d->get_object();
      auto dt = str(delta, "type");
      if (dt == "text_delta") {
        append(blk, "text", str(delta, "text"));
      } else if (dt == "thinking_delta") {
        append(blk, "thinking", str(delta, "thinking"));
      } else if (dt == "signature_delta") {
        append(blk, "signature", str(delta, "signature"));
      } else if (dt == "input_json_delta") {
        partial_json_[index(ev)] += str(delta, "partial_json");
      } else if (dt == "citations_delta") {
        if (const auto* c = delta.if_contains("citation")) {
          auto& arr = blk["citations"];
          if (!arr.is_array()) {
            arr = js::array(sp_);
          }
          arr.get_array().push_back(*c);
        }
      }
    } else if (type == "content_block_stop") {
      stop(index(ev));
    } else if (type == "message_delta") {
      if (auto* d = ev.if_contains("delta"); d != nullptr && d->is_object()) {
        for (auto& kv : d->get_object()) {
          message_[kv.key()] = std::move(kv.value());
        }
      }
      if (auto* u = ev.if_contains("usage"); u != nullptr && u->is_object()) {
        auto& usage = message_["usage"];
        if (!usage.is_object()) {
          usage = js::object(sp_);
        }
        for (auto& kv : u->get_object()) {
          usage.get_object()[kv.key()] = std::move(kv.value());
        }
      }
    } else if (type == "error") {
      error_ = std::move(ev);
    }
  }

  std::optional<std::string> result() {
    if (!seen_) {
      if (error_) {
        return js::serialize(*error_);
      }
      return std::nullopt;
    }
    js::array content(sp_);
    content.reserve(blocks_.size());
    for (auto& [i, b] : blocks_) {
      content.push_back(std::move(b));
    }
    message_["content"] = std::move(content);
    return js::serialize(message_);
  }

private:
  bool delta(std::string_view data) {
    auto d = anthropic::delta(data);
    if (!d) {
      return false;
    }
    std::string_view text;
    if (anthropic::plainAscii(d->literal)) {
      text = d->literal.substr(1, d->literal.size() - 2); // the string is its own text
    } else if (decoded_.clear(); json::appendUnquoted(decoded_, d->literal)) {
      text = decoded_;
    } else {
      return false;
    }
    if (d->member == "partial_json") {
      partial_json_[d->index] += text;
    } else {
      append(block(d->index), d->member, text);
    }
    return true;
  }

  void stop(std::int64_t i) {
    if (auto it = partial_json_.find(i); it != partial_json_.end()) {
      boost::system::error_code ec;
      auto input = js::parse(it->second.empty() ? std::string_view("{}") : std::string_view(it->second), ec, sp_);
      block(i)["input"] = ec ? js::value(it->second, sp_) : std::move(input);
      partial_json_.erase(it);
    }
  }
  static std::int64_t index(const js::object& ev) {
    const auto* i = ev.if_contains("index");
    return i != nullptr && i->is_int64() ? i->get_int64() : 0;
  }
  js::object& block(std::int64_t i) { return blocks_.try_emplace(i, sp_).first->second; }
  void append(js::object& blk, std::string_view key, std::string_view text) {
    auto& v = blk[key];
    if (!v.is_string()) {
      v = js::string(sp_);
    }
    v.get_string().append(text);
  }

  js::storage_ptr sp_;
  js::object message_;
  std::map<std::int64_t, js::object> blocks_;
  std::map<std::int64_t, std::string> partial_json_;
  std::optional<js::object> error_;
  std::string decoded_; // a delta's text with its escapes decoded
  bool seen_ = false;
};

// OpenAI chat completion chunks folded into one chat.completion.
class OpenAIFolder {
public:
  void chunk(const js::object& c) {
    seen_ = true;
    for (const char* k : {"id", "model", "created", "system_fingerprint"}) {
      if (const auto* v = c.if_contains(k); v != nullptr && !v->is_null()) {
        top_[k] = *v;
      }
    }
    if (const auto* u = c.if_contains("usage"); u != nullptr && u->is_object()) {
      top_["usage"] = *u;
    }
    const auto* ch = c.if_contains("choices");
    if (ch == nullptr || !ch->is_array()) {
      return;
    }
    for (const auto& cv : ch->get_array()) {
      if (!cv.is_object()) {
        continue;
      }
      const auto& choice = cv.get_object();
      const auto* iv = choice.if_contains("index");
      std::int64_t idx = iv != nullptr && iv->is_int64() ? iv->get_int64() : 0;
      auto& out = choices_[idx];
      if (const auto* f = choice.if_contains("finish_reason"); f != nullptr && !f->is_null()) {
        out.finish_reason = *f;
      }
      const auto* d = choice.if_contains("delta");
      if (d == nullptr || !d->is_object()) {
        continue;
      }
      const auto& delta = d->get_object();
      if (auto r = str(delta, "role"); !r.empty()) {
        out.role = std::string(r);
      }
      if (const auto* t = delta.if_contains("content"); t != nullptr && t->is_string()) {
        out.content += t->get_string();
        out.has_content = true;
      }
      if (const auto* t = delta.if_contains("reasoning_content"); t != nullptr && t->is_string()) {
        out.reasoning += t->get_string();
      }
      if (const auto* tcs = delta.if_contains("tool_calls"); tcs != nullptr && tcs->is_array()) {
        for (const auto& tv : tcs->get_array()) {
          if (!tv.is_object()) {
            continue;
          }
          const auto& tc = tv.get_object();
          const auto* ti = tc.if_contains("index");
          auto& call = out.tool_calls[ti != nullptr && ti->is_int64() ? ti->get_int64() : 0];
          if (auto id = str(tc, "id"); !id.empty()) {
            call.id = std::string(id);
          }
          if (const auto* fn = tc.if_contains("function"); fn != nullptr && fn->is_object()) {
            if (auto n = str(fn->get_object(), "name"); !n.empty()) {
              call.name = std::string(n);
            }
            call.arguments += str(fn->get_object(), "arguments");
          }
        }
      }
    }
  }

  std::optional<std::string> result() {
    if (!seen_) {
      return std::nullopt;
    }
    js::object out = top_;
    out["object"] = "chat.completion";
    js::array choices;
    for (auto& [i, c] : choices_) {
      js::object msg;
      msg["role"] = c.role;
      msg["content"] = c.has_content ? js::value(c.content) : js::value(nullptr);
      if (!c.reasoning.empty()) {
        msg["reasoning_content"] = c.reasoning;
      }
      if (!c.tool_calls.empty()) {
        js::array calls;
        for (auto& [ti, t] : c.tool_calls) {
          calls.push_back(js::object{{"id", t.id},
                                     {"type", "function"},
                                     {"function", js::object{{"name", t.name}, {"arguments", t.arguments}}}});
        }
        msg["tool_calls"] = std::move(calls);
      }
      choices.push_back(js::object{{"index", i}, {"message", std::move(msg)}, {"finish_reason", c.finish_reason}});
    }
    out["choices"] = std::move(choices);
    return js::serialize(out);
  }

private:
  struct Call {
    std::string id;
    std::string name;
    std::string arguments;
  };
  struct Choice {
    std::string role = "assistant";
    std::string content;
    bool has_content = false;
    std::string reasoning;
    std::map<std::int64_t, Call> tool_calls;
    js::value finish_reason = nullptr;
  };
  js::object top_;
  std::map<std::int64_t, Choice> choices_;
  bool seen_ = false;
};

} // namespace

std::optional<std::string> reconstructStream(std::string_view sse) {
  if (auto folded = foldAnthropicRaw(sse)) {
    return folded;
  }
  return reconstructStreamWithDocument(sse);
}

std::optional<std::string> reconstructStreamWithDocument(std::string_view sse) {
  // Most answers fit in the first block, on the stack: a heap block would be freed (and its pages
  // returned to the system) after every record.
  unsigned char first_block[64 * 1024];
  js::monotonic_resource arena(first_block, sizeof first_block);
  js::storage_ptr sp(&arena);
  EventParser events(sp);
  AnthropicFolder anthropic(sp);
  OpenAIFolder openai;
  bool is_openai = false;
  bool is_anthropic = false;
  sse::Parser parser([&](const sse::Event& ev) {
    if (ev.data == "[DONE]") {
      return;
    }
    if (!is_openai && anthropic.quick(ev.data)) {
      is_anthropic = true;
      return;
    }
    auto obj = events.object(ev.data);
    if (!obj) {
      return;
    }
    auto type = str(*obj, "type");
    if (!type.empty() && !obj->contains("choices")) {
      is_anthropic = true;
      anthropic.event(*obj);
    } else if (obj->contains("choices") || str(*obj, "object") == "chat.completion.chunk") {
      is_openai = true;
      openai.chunk(*obj);
    }
  });
  parser.feed(sse);
  parser.feed("\n\n"); // a final event cut off by the capture cap
  std::optional<std::string> out;
  if (is_anthropic) {
    out = anthropic.result();
  } else if (is_openai) {
    out = openai.result();
  }
  // A number too large for a double is read as infinity, which serialises as Infinity: no JSON. Such an
  // answer is kept as its events.
  if (out && (out->find("Infinity") != std::string::npos || out->find("NaN") != std::string::npos) &&
      !json::isValid(*out)) {
    return std::nullopt;
  }
  return out;
}

} // namespace hd::logs
