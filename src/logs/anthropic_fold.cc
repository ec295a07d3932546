#include "logs/anthropic_fold.h"

#include <map>
#include <vector>

#include "core/json_check.h"
#include "core/json_write.h"
#include "core/raw_json.h"
#include "core/sse.h"
#include "logs/anthropic_layout.h"

namespace hd::logs {

namespace {

// Keys written twice make a document keep one of the values: left to the document fold.
bool duplicateKeys(const rawjson::ObjectLayout& layout) {
  const auto& ms = layout.members;
  for (std::size_t i = 0; i < ms.size(); ++i) {
    for (std::size_t j = i + 1; j < ms.size(); ++j) {
      if (ms[i].key == ms[j].key) {
        return true;
      }
    }
  }
  return false;
}

// A raw JSON object (a copy) and where its top-level members are in it: offsets, which stay right when
// the object moves (views into a short string's inline buffer would not).
struct RawObject {
  struct Field {
    std::size_t key_begin;
    std::size_t key_size;
    std::size_t value_begin;
    std::size_t value_end;
  };
  std::string text;
  std::vector<Field> fields;

  // `json` must be a checked JSON object.
  static std::optional<RawObject> of(std::string_view json) {
    auto layout = rawjson::scanObject(json);
    if (!layout || duplicateKeys(*layout)) {
      return std::nullopt;
    }
    RawObject o{std::string(json), {}};
    o.fields.reserve(layout->members.size());
    for (const auto& m : layout->members) {
      o.fields.push_back(
          {static_cast<std::size_t>(m.key.data() - json.data()), m.key.size(), m.value_begin, m.value_end});
    }
    return o;
  }
  std::string_view key(const Field& f) const { return std::string_view(text).substr(f.key_begin, f.key_size); }
  std::string_view value(const Field& f) const {
    return std::string_view(text).substr(f.value_begin, f.value_end - f.value_begin);
  }
  const Field* find(std::string_view k) const {
    for (const auto& f : fields) {
      if (key(f) == k) {
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
        auto v = start->value(*m);
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
    for (const auto& m : message_->fields) {
      auto key = message_->key(m);
      if (key == "content") {
        beginMember(out, key);
        appendBlocks(out);
      } else if (const auto* d = delta_ ? delta_->find(key) : nullptr) {
        appendMember(out, key, delta_->value(*d));
      } else if (key == "usage" && usage_) {
        beginMember(out, key);
        appendUsage(out, message_->value(m));
      } else {
        appendMember(out, key, message_->value(m));
      }
    }
    if (message_->find("content") == nullptr) {
      beginMember(out, "content");
      appendBlocks(out);
    }
    if (delta_) {
      for (const auto& m : delta_->fields) {
        if (message_->find(delta_->key(m)) == nullptr) {
          appendMember(out, delta_->key(m), delta_->value(m));
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
    message_ = RawObject::of(message);
    return message_.has_value();
  }

  bool blockStart(std::string_view data) {
    auto start = anthropic::blockStart(data);
    if (!start || blocks_.contains(start->index) || !json::isValid(start->block)) {
      return false;
    }
    auto raw = RawObject::of(start->block);
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
    auto layout = rawjson::scanObject(data);
    if (!layout || duplicateKeys(*layout)) {
      return false;
    }
    for (const auto& m : layout->members) {
      auto v = data.substr(m.value_begin, m.value_end - m.value_begin);
      if (m.key == "delta" || m.key == "usage") {
        if (v.front() != '{') {
          return false;
        }
        auto& slot = m.key == "delta" ? delta_ : usage_;
        slot = RawObject::of(v);
        if (!slot) {
          return false;
        }
      }
    }
    return true;
  }

  // message_start's usage with message_delta's usage members set over it.
  void appendUsage(std::string& out, std::string_view start) const {
    std::optional<RawObject> base;
    if (!start.empty() && start.front() == '{') {
      base = RawObject::of(start);
    }
    if (!base) {
      out.append(usage_->text);
      return;
    }
    out.push_back('{');
    for (const auto& m : base->fields) {
      const auto* over = usage_->find(base->key(m));
      appendMember(out, base->key(m), over != nullptr ? usage_->value(*over) : base->value(m));
    }
    for (const auto& m : usage_->fields) {
      if (base->find(usage_->key(m)) == nullptr) {
        appendMember(out, usage_->key(m), usage_->value(m));
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
        for (const auto& m : b.start->fields) {
          auto key = b.start->key(m);
          if (key == "input" && b.input) {
            appendMember(out, key, *b.input);
          } else if (const auto* t = b.find(key)) {
            appendText(out, key, *t);
          } else {
            appendMember(out, key, b.start->value(m));
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
  std::optional<RawObject> delta_; // message_delta's delta
  std::optional<RawObject> usage_; // message_delta's usage
};

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
  bool ok = true;
  sse::Parser parser([&](const sse::Event& ev) {
    if (ok && !folder.event(ev.data)) {
      ok = false;
    }
  });
  parser.feed(sse);
  parser.feed("\n\n"); // a final event cut off by the capture cap
  if (!ok || !folder.started()) {
    return std::nullopt;
  }
  return folder.result();
}

} // namespace hd::logs
