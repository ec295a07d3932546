#include "logs/anthropic_fold.h"

#include <map>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "core/json_check.h"
#include "core/json_write.h"
#include "core/raw_json.h"
#include "logs/anthropic_layout.h"

namespace hd::logs {

namespace {

// A JSON object in the captured stream (which outlives the fold) and its top-level members. Keys written
// twice make a document keep one of the values, and escaped keys could be such a pair: both are left to
// the document fold.
struct RawObject {
  struct Field {
    std::string_view key;
    std::string_view value;
  };
  std::string_view text;
  boost::container::small_vector<Field, 12> fields;

  // `json` must be a checked JSON object; `scratch` is reused storage for its scan.
  static std::optional<RawObject> of(std::string_view json, rawjson::ObjectLayout& scratch) {
    if (!rawjson::scanObjectInto(json, scratch)) {
      return std::nullopt;
    }
    RawObject o{json, {}};
    for (const auto& m : scratch.members) {
      if (m.key.find('\\') != std::string_view::npos || o.find(m.key) != nullptr) {
        return std::nullopt;
      }
      o.fields.push_back({m.key, json.substr(m.value_begin, m.value_end - m.value_begin)});
    }
    return o;
  }
  const Field* find(std::string_view k) const {
    for (const auto& f : fields) {
      if (f.key == k) {
        return &f;
      }
    }
    return nullptr;
  }
};

struct Block {
  std::optional<RawObject> start;
  // Text fields in the order first seen: member name -> escaped text (no quotes).
  std::vector<std::pair<std::string_view, std::string>> texts;
  std::optional<std::string> partial_json; // decoded input_json_delta pieces, joined
  std::optional<std::string> input;        // the finished input as JSON text (at content_block_stop)

  const std::string* find(std::string_view member) const {
    for (const auto& [m, t] : texts) {
      if (m == member) {
        return &t;
      }
    }
    return nullptr;
  }
  std::string& text(std::string_view member) {
    for (auto& [m, t] : texts) {
      if (m == member) {
        return t;
      }
    }
    std::string initial;
    if (start) {
      if (const auto* m = start->find(member)) {
        auto v = m->value;
        if (v.size() >= 2 && v.front() == '"') {
          initial = v.substr(1, v.size() - 2);
        }
      }
    }
    return texts.emplace_back(member, std::move(initial)).second;
  }
};

// Starts member `key` of the object being written to `out` (its value is appended next).
void beginMember(std::string& out, std::string_view key) {
  if (out.back() != '{') {
    out.push_back(',');
  }
  out.push_back('"');
  out.append(key);
  out += "\":";
}
void appendMember(std::string& out, std::string_view key, std::string_view value) {
  beginMember(out, key);
  out.append(value);
}
void appendText(std::string& out, std::string_view key, std::string_view escaped) {
  beginMember(out, key);
  out.push_back('"');
  out.append(escaped);
  out.push_back('"');
}

class Folder {
public:
  // false: not handled here (the caller folds the stream with a document).
  bool event(std::string_view data) {
    if (data == R"({"type":"ping"})" || data == R"({"type":"message_stop"})") {
      return message_.has_value();
    }
    if (!message_) {
      return messageStart(data);
    }
    return delta(data) || blockStop(data) || blockStart(data) || messageDelta(data);
  }

  std::string result() const {
    std::string out;
    std::size_t size = message_->text.size() + 64;
    for (const auto& [i, b] : blocks_) {
      size += (b.start ? b.start->text.size() : 0) + (b.input ? b.input->size() : 0) + 32;
      for (const auto& t : b.texts) {
        size += t.second.size() + 16;
      }
    }
    out.reserve(size);
    out.push_back('{');
    for (const auto& [key, value] : message_->fields) {
      if (key == "content") {
        beginMember(out, key);
        appendBlocks(out);
      } else if (const auto* d = delta_ ? delta_->find(key) : nullptr) {
        appendMember(out, key, d->value);
      } else if (key == "usage" && usage_) {
        beginMember(out, key);
        appendUsage(out);
      } else {
        appendMember(out, key, value);
      }
    }
    if (message_->find("content") == nullptr) {
      beginMember(out, "content");
      appendBlocks(out);
    }
    if (delta_) {
      for (const auto& [key, value] : delta_->fields) {
        if (message_->find(key) == nullptr) {
          appendMember(out, key, value);
        }
      }
    }
    if (usage_ && message_->find("usage") == nullptr) {
      appendMember(out, "usage", usage_->text);
    }
    out.push_back('}');
    return out;
  }

  bool started() const { return message_.has_value(); }

private:
  bool messageStart(std::string_view data) {
    constexpr std::string_view kHead = R"({"type":"message_start","message":)";
    if (!data.starts_with(kHead) || !data.ends_with('}')) {
      return false;
    }
    auto message = data.substr(kHead.size(), data.size() - kHead.size() - 1);
    if (message.empty() || message.front() != '{' || !json::isValid(message)) {
      return false;
    }
    message_ = RawObject::of(message, scratch_);
    return message_.has_value();
  }

  bool blockStart(std::string_view data) {
    auto start = anthropic::blockStart(data);
    if (!start || blocks_.contains(start->index) || !json::isValid(start->block)) {
      return false;
    }
    auto raw = RawObject::of(start->block, scratch_);
    if (!raw) {
      return false;
    }
    blocks_[start->index].start = std::move(raw);
    return true;
  }

  bool delta(std::string_view data) {
    auto d = anthropic::delta(data);
    if (!d) {
      return false;
    }
    auto& blk = blocks_[d->index];
    if (d->member == "partial_json") {
      if (blk.input) {
        return false; // after its content_block_stop
      }
      auto& joined = blk.partial_json ? *blk.partial_json : blk.partial_json.emplace();
      if (anthropic::plainAscii(d->literal)) {
        joined.append(d->literal.substr(1, d->literal.size() - 2));
        return true;
      }
      return json::appendUnquoted(joined, d->literal);
    }
    // Joining the escaped insides of two string literals gives the escaped inside of the joined text.
    if (!anthropic::plainAscii(d->literal) && !json::isValid(d->literal)) {
      return false;
    }
    blk.text(d->member).append(d->literal.substr(1, d->literal.size() - 2));
    return true;
  }

  bool blockStop(std::string_view data) {
    auto i = anthropic::blockStop(data);
    if (!i) {
      return false;
    }
    if (auto it = blocks_.find(*i); it != blocks_.end() && it->second.partial_json && !it->second.input) {
      auto& b = it->second;
      if (b.partial_json->empty()) {
        b.input = "{}";
      } else if (json::isValid(*b.partial_json)) {
        b.input = std::move(*b.partial_json);
      } else {
        b.input.emplace();
        json::appendQuoted(*b.input, *b.partial_json); // kept as the text it was
      }
      b.partial_json.reset();
    }
    return true;
  }

  bool messageDelta(std::string_view data) {
    constexpr std::string_view kHead = R"({"type":"message_delta",)";
    if (!data.starts_with(kHead) || delta_ || usage_ || !json::isValid(data)) {
      return false;
    }
    auto event = RawObject::of(data, scratch_);
    if (!event) {
      return false;
    }
    for (const auto& [key, value] : event->fields) {
      if (key == "delta" || key == "usage") {
        if (value.front() != '{') {
          return false;
        }
        auto& slot = key == "delta" ? delta_ : usage_;
        slot = RawObject::of(value, scratch_);
        if (!slot) {
          return false;
        }
      }
    }
    // A delta naming the content or the usage itself is left to the document fold.
    if (delta_ && (delta_->find("content") != nullptr || delta_->find("usage") != nullptr)) {
      return false;
    }
    // The usage of message_start that message_delta's is set over (when both are objects).
    if (const auto* base = usage_ ? message_->find("usage") : nullptr; base && base->value.front() == '{') {
      base_usage_ = RawObject::of(base->value, scratch_);
      return base_usage_.has_value();
    }
    return true;
  }

  // message_start's usage with message_delta's usage members set over it.
  void appendUsage(std::string& out) const {
    const auto& base = base_usage_;
    if (!base) {
      out.append(usage_->text);
      return;
    }
    out.push_back('{');
    for (const auto& [key, value] : base->fields) {
      const auto* over = usage_->find(key);
      appendMember(out, key, over != nullptr ? over->value : value);
    }
    for (const auto& [key, value] : usage_->fields) {
      if (base->find(key) == nullptr) {
        appendMember(out, key, value);
      }
    }
    out.push_back('}');
  }

  void appendBlocks(std::string& out) const {
    out.push_back('[');
    bool first = true;
    for (const auto& [i, b] : blocks_) {
      if (!b.start && b.texts.empty() && !b.input) {
        continue; // only tool input that never ended: no block (as with a document)
      }
      if (!first) {
        out.push_back(',');
      }
      first = false;
      out.push_back('{');
      if (b.start) {
        for (const auto& [key, value] : b.start->fields) {
          if (key == "input" && b.input) {
            appendMember(out, key, *b.input);
          } else if (const auto* t = b.find(key)) {
            appendText(out, key, *t);
          } else {
            appendMember(out, key, value);
          }
        }
      }
      for (const auto& [m, t] : b.texts) {
        if (!b.start || b.start->find(m) == nullptr) {
          appendText(out, m, t);
        }
      }
      if (b.input && (!b.start || b.start->find("input") == nullptr)) {
        appendMember(out, "input", *b.input);
      }
      out.push_back('}');
    }
    out.push_back(']');
  }

  std::optional<RawObject> message_;
  std::map<std::int64_t, Block> blocks_;
  std::optional<RawObject> delta_;      // message_delta's delta
  std::optional<RawObject> usage_;      // message_delta's usage
  std::optional<RawObject> base_usage_; // message_start's usage, when message_delta has one to set over it
  rawjson::ObjectLayout scratch_;
};

// Calls `f` with the data of each event of an event stream, as a view into `sse`, until it returns false;
// false then, or if an event is framed in a way this does not follow (several data lines, CR line ends,
// a line "data" without a colon): the caller then leaves the stream to sse::Parser. Otherwise the same
// events as sse::Parser given `sse` and then "\n\n" (a last event cut off by the capture cap counts).
template <class F> bool eachEventData(std::string_view sse, F&& f) {
  std::optional<std::string_view> data;
  std::size_t i = 0;
  while (i < sse.size()) {
    auto nl = sse.find('\n', i);
    auto line = sse.substr(i, nl == std::string_view::npos ? std::string_view::npos : nl - i);
    i = nl == std::string_view::npos ? sse.size() : nl + 1;
    if (line.empty()) {
      if (data && !f(*data)) {
        return false;
      }
      data.reset();
      continue;
    }
    if (line.back() == '\r' || line == "data") {
      return false;
    }
    if (line.starts_with("data:")) {
      if (data) {
        return false;
      }
      auto value = line.substr(5);
      if (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
      }
      data = value;
    }
    // event:, id:, retry: and comments: the fold needs only the data.
  }
  return !data || f(*data);
}

} // namespace

std::optional<std::string> foldAnthropicRaw(std::string_view sse) {
  // Anthropic's first event is message_start: anything else is left to the caller at once.
  auto data = sse.find("data:");
  if (data == std::string_view::npos) {
    return std::nullopt;
  }
  auto first = sse.substr(data + 5, 64);
  if (!first.starts_with(R"({"type":"message_start")") && !first.starts_with(R"( {"type":"message_start")")) {
    return std::nullopt;
  }
  Folder folder;
  bool ok = eachEventData(sse, [&](std::string_view event) { return folder.event(event); });
  if (!ok || !folder.started()) {
    return std::nullopt;
  }
  return folder.result();
}

} // namespace hd::logs
