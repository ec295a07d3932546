#include "translate/openai/request_to_openai.h"

#include <fmt/format.h>

#include "translate/openai/model_traits.h"
#include "translate/openai/util.h"

namespace hd::translate::openai {

namespace js = boost::json;

namespace {

constexpr std::size_t kMaxStopSequences = 4;
constexpr std::size_t kMaxUserLength = 64; // OpenAI rejects longer `user` values
// Claude Code's first system block; meaningless to GPT and it varies, which would defeat prefix caching.
constexpr std::string_view kBillingHeaderPrefix = "x-anthropic-billing-header:";

js::object textPart(std::string_view text) {
  js::object p;
  p["type"] = "text";
  p["text"] = text;
  return p;
}

js::object imagePart(std::string url) {
  js::object img;
  img["url"] = std::move(url);
  js::object p;
  p["type"] = "image_url";
  p["image_url"] = std::move(img);
  return p;
}

// A single text part collapses to a plain string; anything else stays a parts array.
js::value contentValue(js::array parts) {
  if (parts.size() == 1 && parts[0].is_object()) {
    const auto& p = parts[0].get_object();
    const auto* type = p.if_contains("type");
    const auto* text = p.if_contains("text");
    if (type != nullptr && detail::asStringView(*type) == "text" && text != nullptr && text->is_string()) {
      return *text;
    }
  }
  return parts;
}

std::string joinText(const std::vector<ir::Block>& blocks, std::string_view sep) {
  std::string out;
  bool first = true;
  for (const auto& b : blocks) {
    if (b.type != ir::BlockType::Text && !(b.type == ir::BlockType::Document && b.source_type == "text")) {
      continue;
    }
    if (!first) {
      out.append(sep);
    }
    out.append(b.text);
    first = false;
  }
  return out;
}

// A stable stand-in for `user` values OpenAI would reject (Claude Code sends a JSON string of ids).
std::string shortUser(std::string_view user) {
  if (user.size() <= kMaxUserLength) {
    return std::string(user);
  }
  std::uint64_t h = 1469598103934665603ULL; // FNV-1a
  for (unsigned char c : user) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return fmt::format("hd-{:016x}", h);
}

// JSON Schema for OpenAI: the root `$schema` is dropped (Azure rejects it); everything else is kept.
js::value schemaForOpenAI(const js::value& schema) {
  if (!schema.is_object()) {
    js::object empty;
    empty["type"] = "object";
    empty["properties"] = js::object{};
    return empty;
  }
  js::object out = schema.get_object();
  out.erase("$schema");
  return out;
}

std::string normalizeEffort(std::string_view e) {
  if (e == "max" || e == "xhigh") {
    return "high";
  }
  if (e == "none" || e == "minimal" || e == "low" || e == "medium" || e == "high") {
    return std::string(e);
  }
  return {};
}

std::string reasoningEffort(const ir::Request& req) {
  if (auto e = normalizeEffort(req.reasoning_effort); !e.empty()) {
    return e;
  }
  switch (req.thinking.kind) {
  case ir::Thinking::Kind::Enabled:
    if (req.thinking.budget_tokens <= 0) {
      return "medium";
    }
    return req.thinking.budget_tokens < 4096 ? "low" : req.thinking.budget_tokens < 16384 ? "medium" : "high";
  case ir::Thinking::Kind::Adaptive:
    return "medium";
  case ir::Thinking::Kind::Disabled:
    return "low"; // the least effort every reasoning model accepts
  case ir::Thinking::Kind::Unspecified:
    break;
  }
  return {};
}

class Converter {
public:
  explicit Converter(const TargetOptions& opt) : opt_(opt) {}

  Result<js::array> messages(const ir::Request& req) {
    js::array out;
    std::vector<ir::Block> system;
    for (const auto& b : req.system) {
      if (b.type == ir::BlockType::Text && b.text.substr(0, kBillingHeaderPrefix.size()) == kBillingHeaderPrefix) {
        continue;
      }
      system.push_back(b);
    }
    if (std::string text = joinText(system, "\n\n"); !text.empty()) {
      out.push_back(roleMessage("system", js::value(text)));
    }
    js::array held_system;
    for (std::size_t i = 0; i < req.messages.size(); ++i) {
      const auto& m = req.messages[i];
      std::optional<Error> err;
      switch (m.role) {
      case ir::Role::System:
        if (std::string text = joinText(m.content, "\n\n"); !text.empty()) {
          // OpenAI wants an assistant's tool_calls answered by the very next messages: a system message
          // in between waits until the tool results are out.
          (awaitingToolResults(out) ? held_system : out).push_back(roleMessage("system", js::value(text)));
        }
        break;
      case ir::Role::User:
        err = userTurn(m, i, out);
        break;
      case ir::Role::Assistant:
        err = assistantTurn(m, i, out);
        break;
      }
      if (err) {
        return *err;
      }
      if (m.role != ir::Role::System && !awaitingToolResults(out)) {
        for (auto& held : held_system) {
          out.push_back(std::move(held));
        }
        held_system.clear();
      }
    }
    for (auto& held : held_system) {
      out.push_back(std::move(held));
    }
    return out;
  }

private:
  static bool awaitingToolResults(const js::array& out) {
    if (out.empty() || !out.back().is_object()) {
      return false;
    }
    const auto& last = out.back().get_object();
    return last.contains("tool_calls") && detail::asStringView(last.at("role")) == "assistant";
  }

  static js::object roleMessage(std::string_view role, js::value content) {
    js::object o;
    o["role"] = role;
    o["content"] = std::move(content);
    return o;
  }

  // Image and document blocks (user content or tool-result content) as OpenAI parts.
  std::optional<Error> mediaPart(const ir::Block& b, const std::string& path, js::array& parts) const {
    if (b.type == ir::BlockType::Image) {
      if (b.source_type == "base64") {
        parts.push_back(imagePart(detail::makeDataUrl(b.media_type, b.data)));
      } else if (b.source_type == "url") {
        parts.push_back(imagePart(b.url));
      } else {
        return Error::invalidRequest(
            fmt::format("{}: image source \"{}\" cannot be sent to {}", path, b.source_type, opt_.model));
      }
      return std::nullopt;
    }
    // Document
    if (b.source_type == "text") {
      parts.push_back(textPart(b.text));
      return std::nullopt;
    }
    if (b.media_type == "application/pdf" || b.source_type == "url") {
      if (!opt_.accepts_file_parts) {
        return Error::invalidRequest(fmt::format("{}: PDF documents cannot be sent to {}", path, opt_.model));
      }
      if (b.source_type != "base64") {
        return Error::invalidRequest(
            fmt::format("{}: documents given by URL cannot be sent to {}; send them as base64", path, opt_.model));
      }
      js::object file;
      file["filename"] = b.name.empty() ? std::string("document.pdf") : b.name;
      file["file_data"] = detail::makeDataUrl(b.media_type, b.data);
      js::object p;
      p["type"] = "file";
      p["file"] = std::move(file);
      parts.push_back(std::move(p));
      return std::nullopt;
    }
    return Error::invalidRequest(fmt::format("{}: documents of type \"{}\" cannot be sent to {}", path,
                                             b.media_type.empty() ? b.source_type : b.media_type, opt_.model));
  }

  // Tool results become `tool` messages (first, in order); their images and the turn's other content follow
  // in one user message, since OpenAI tool messages carry text only.
  std::optional<Error> userTurn(const ir::Message& m, std::size_t i, js::array& out) const {
    js::array parts;
    js::array tool_media;
    for (std::size_t j = 0; j < m.content.size(); ++j) {
      const auto& b = m.content[j];
      std::string path = fmt::format("messages[{}].content[{}]", i, j);
      switch (b.type) {
      case ir::BlockType::Text:
        parts.push_back(textPart(b.text));
        break;
      case ir::BlockType::Image:
      case ir::BlockType::Document:
        if (auto err = mediaPart(b, path, parts)) {
          return err;
        }
        break;
      case ir::BlockType::ToolResult: {
        std::string text;
        js::array media;
        for (std::size_t k = 0; k < b.content.size(); ++k) {
          const auto& c = b.content[k];
          if (c.type == ir::BlockType::Text || (c.type == ir::BlockType::Document && c.source_type == "text")) {
            if (!text.empty()) {
              text.append("\n\n");
            }
            text.append(c.text);
          } else if (c.type == ir::BlockType::Image || c.type == ir::BlockType::Document) {
            if (auto err = mediaPart(c, fmt::format("{}.content[{}]", path, k), media)) {
              return err;
            }
          }
        }
        if (text.empty() && !media.empty()) {
          text =
              fmt::format("(the tool returned {} attachment(s); they follow in the next user message)", media.size());
        }
        if (b.is_error) {
          text = "Error: " + text;
        }
        js::object tool;
        tool["role"] = "tool";
        tool["tool_call_id"] = b.id;
        tool["content"] = std::move(text);
        out.push_back(std::move(tool));
        if (!media.empty()) {
          tool_media.push_back(textPart(fmt::format("Attachments returned by tool call {}:", b.id)));
          for (auto& p : media) {
            tool_media.push_back(std::move(p));
          }
        }
        break;
      }
      case ir::BlockType::ToolUse:
        return Error::invalidRequest(fmt::format("{}: tool_use blocks belong in assistant messages", path));
      case ir::BlockType::Thinking:
      case ir::BlockType::RedactedThinking:
        break;
      }
    }
    for (auto& p : parts) {
      tool_media.push_back(std::move(p));
    }
    if (!tool_media.empty()) {
      out.push_back(roleMessage("user", contentValue(std::move(tool_media))));
    }
    return std::nullopt;
  }

  std::optional<Error> assistantTurn(const ir::Message& m, std::size_t i, js::array& out) const {
    js::array parts;
    js::array calls;
    for (std::size_t j = 0; j < m.content.size(); ++j) {
      const auto& b = m.content[j];
      if (b.type == ir::BlockType::Text) {
        parts.push_back(textPart(b.text));
      } else if (b.type == ir::BlockType::ToolUse) {
        calls.push_back(detail::toolCall(b));
      } else if (b.type == ir::BlockType::ToolResult) {
        return Error::invalidRequest(
            fmt::format("messages[{}].content[{}]: tool_result blocks belong in user messages", i, j));
      }
      // thinking / redacted_thinking: OpenAI cannot take reasoning back; images cannot occur here.
    }
    if (parts.empty() && calls.empty()) {
      return std::nullopt; // e.g. a turn that held only thinking
    }
    js::object msg;
    msg["role"] = "assistant";
    msg["content"] = parts.empty() ? js::value(nullptr) : contentValue(std::move(parts));
    if (!calls.empty()) {
      msg["tool_calls"] = std::move(calls);
    }
    out.push_back(std::move(msg));
    return std::nullopt;
  }

  const TargetOptions& opt_;
};

Result<js::array> tools(const ir::Request& req, const TargetOptions& opt) {
  js::array out;
  for (std::size_t i = 0; i < req.tools.size(); ++i) {
    const auto& t = req.tools[i];
    if (!t.server_type.empty()) {
      return Error::invalidRequest(fmt::format("tools[{}]: server tool \"{}\" ({}) is not available with {}", i, t.name,
                                               t.server_type, opt.model));
    }
    if (t.defer_loading) {
      continue; // tool search beta: not offered to the model up front
    }
    js::object fn;
    fn["name"] = t.name;
    if (!t.description.empty()) {
      fn["description"] = t.description;
    }
    fn["parameters"] = schemaForOpenAI(t.input_schema);
    if (t.strict) {
      fn["strict"] = *t.strict;
    }
    js::object tool;
    tool["type"] = "function";
    tool["function"] = std::move(fn);
    out.push_back(std::move(tool));
  }
  return out;
}

} // namespace

Result<js::object> requestToOpenAI(const ir::Request& req, const TargetOptions& opt) {
  js::object body;
  body["model"] = opt.model;

  Converter conv(opt);
  auto msgs = conv.messages(req);
  if (!msgs) {
    return msgs.error();
  }
  body["messages"] = std::move(msgs.value());

  auto tool_list = tools(req, opt);
  if (!tool_list) {
    return tool_list.error();
  }
  if (!tool_list->empty()) {
    body["tools"] = std::move(tool_list.value());
    switch (req.tool_choice.kind) {
    case ir::ToolChoice::Kind::Auto:
      body["tool_choice"] = "auto";
      break;
    case ir::ToolChoice::Kind::Any:
      body["tool_choice"] = "required";
      break;
    case ir::ToolChoice::Kind::None:
      body["tool_choice"] = "none";
      break;
    case ir::ToolChoice::Kind::Tool: {
      js::object fn;
      fn["name"] = req.tool_choice.name;
      js::object choice;
      choice["type"] = "function";
      choice["function"] = std::move(fn);
      body["tool_choice"] = std::move(choice);
      break;
    }
    case ir::ToolChoice::Kind::Unspecified:
      break;
    }
    if (req.tool_choice.disable_parallel_tool_use) {
      body["parallel_tool_calls"] = false;
    } else if (req.parallel_tool_calls) {
      body["parallel_tool_calls"] = *req.parallel_tool_calls;
    }
  }

  if (req.max_tokens) {
    std::int64_t limit = opt.max_output_tokens.value_or(defaultMaxOutputTokens(opt.model));
    std::int64_t n = limit > 0 && *req.max_tokens > limit ? limit : *req.max_tokens;
    body[opt.reasoning_model ? "max_completion_tokens" : "max_tokens"] = n;
  }
  if (!opt.reasoning_model) {
    if (req.temperature) {
      body["temperature"] = *req.temperature;
    }
    if (req.top_p) {
      body["top_p"] = *req.top_p;
    }
  }
  if (!req.stop_sequences.empty()) {
    if (req.stop_sequences.size() > kMaxStopSequences) {
      return Error::invalidRequest(fmt::format("stop_sequences: {} given, but {} accepts at most {}",
                                               req.stop_sequences.size(), opt.model, kMaxStopSequences));
    }
    js::array stop;
    for (const auto& s : req.stop_sequences) {
      stop.emplace_back(s);
    }
    body["stop"] = std::move(stop);
  }
  if (opt.reasoning_model) {
    if (std::string effort = reasoningEffort(req); !effort.empty()) {
      body["reasoning_effort"] = effort;
    }
  }
  if (req.json_schema) {
    const auto& spec = *req.json_schema;
    js::object schema;
    auto name = spec.if_contains("name");
    schema["name"] = name != nullptr && name->is_string() && !name->get_string().empty() ? name->get_string()
                                                                                         : js::string("response");
    if (const auto* d = spec.if_contains("description"); d != nullptr && d->is_string()) {
      schema["description"] = *d;
    }
    const auto* s = spec.if_contains("schema");
    schema["schema"] = schemaForOpenAI(s != nullptr ? *s : js::value());
    if (const auto* strict = spec.if_contains("strict"); strict != nullptr && strict->is_bool()) {
      schema["strict"] = *strict;
    }
    js::object format;
    format["type"] = "json_schema";
    format["json_schema"] = std::move(schema);
    body["response_format"] = std::move(format);
  } else if (req.json_object) {
    js::object format;
    format["type"] = "json_object";
    body["response_format"] = std::move(format);
  }
  if (!req.user.empty()) {
    body["user"] = shortUser(req.user);
  }
  if (req.seed) {
    body["seed"] = *req.seed;
  }
  if (req.stream) {
    body["stream"] = true;
    js::object so;
    so["include_usage"] = true;
    body["stream_options"] = std::move(so);
  }
  return body;
}

} // namespace hd::translate::openai
