#include "translate/openai/messages_from_openai.h"

#include <fmt/format.h>

#include "translate/openai/util.h"

namespace hd::translate::openai::detail {

namespace js = boost::json;

namespace {

using Err = std::optional<Error>;

ir::Block textBlock(std::string_view text) {
  ir::Block b;
  b.type = ir::BlockType::Text;
  b.text = std::string(text);
  return b;
}

// `content` that may only hold text: a string or an array of {type:"text"} (and, for assistants, refusal) parts.
Err textContent(const js::value& content, const std::string& path, bool allow_refusal, std::vector<ir::Block>& out) {
  if (content.is_string()) {
    out.push_back(textBlock(asStringView(content)));
    return std::nullopt;
  }
  if (!content.is_array()) {
    return bad(path, "expected a string or an array of content parts");
  }
  const auto& parts = content.get_array();
  for (std::size_t j = 0; j < parts.size(); ++j) {
    std::string p = fmt::format("{}[{}]", path, j);
    if (!parts[j].is_object()) {
      return bad(p, "expected an object");
    }
    const auto& part = parts[j].get_object();
    std::string_view type = part.contains("type") ? asStringView(part.at("type")) : "";
    std::string_view key = type == "refusal" && allow_refusal ? "refusal" : "text";
    if (type != "text" && key != "refusal") {
      return bad(p + ".type", fmt::format("expected \"text\"{}", allow_refusal ? " or \"refusal\"" : ""));
    }
    const auto* t = part.if_contains(key);
    if (t == nullptr || !t->is_string()) {
      return bad(fmt::format("{}.{}", p, key), "expected a string");
    }
    out.push_back(textBlock(asStringView(*t)));
  }
  return std::nullopt;
}

Err imagePart(const js::object& part, const std::string& path, std::vector<ir::Block>& out) {
  const auto* iu = part.if_contains("image_url");
  const js::value* url = nullptr;
  if (iu != nullptr && iu->is_object()) {
    url = iu->get_object().if_contains("url");
  } else if (iu != nullptr && iu->is_string()) {
    url = iu;
  }
  if (url == nullptr || !url->is_string()) {
    return bad(path + ".image_url.url", "expected a string");
  }
  std::string_view u = asStringView(*url);
  ir::Block b;
  b.type = ir::BlockType::Image;
  if (auto data = parseDataUrl(u)) {
    b.source_type = "base64";
    b.media_type = std::move(data->media_type);
    b.data = std::move(data->data);
  } else if (u.substr(0, 5) == "data:") {
    return bad(path + ".image_url.url", "data URLs must be base64 encoded");
  } else {
    b.source_type = "url";
    b.url = std::string(u);
  }
  out.push_back(std::move(b));
  return std::nullopt;
}

Err filePart(const js::object& part, const std::string& path, std::vector<ir::Block>& out) {
  const auto* f = part.if_contains("file");
  if (f == nullptr || !f->is_object()) {
    return bad(path + ".file", "expected an object");
  }
  const auto& file = f->get_object();
  const auto* data = field(file, "file_data");
  if (data == nullptr) {
    if (field(file, "file_id") != nullptr) {
      return bad(path + ".file.file_id", "uploaded file ids cannot be used with this model; send file_data");
    }
    return bad(path + ".file.file_data", "required");
  }
  if (!data->is_string()) {
    return bad(path + ".file.file_data", "expected a string");
  }
  ir::Block b;
  b.type = ir::BlockType::Document;
  b.source_type = "base64";
  if (auto parsed = parseDataUrl(asStringView(*data))) {
    b.media_type = std::move(parsed->media_type);
    b.data = std::move(parsed->data);
  } else {
    b.media_type = "application/pdf"; // plain base64: the Chat Completions file input takes PDFs
    b.data = std::string(asStringView(*data));
  }
  if (const auto* name = field(file, "filename"); name != nullptr && name->is_string()) {
    b.name = std::string(asStringView(*name));
  }
  out.push_back(std::move(b));
  return std::nullopt;
}

Err userContent(const js::value& content, const std::string& path, std::vector<ir::Block>& out) {
  if (content.is_string()) {
    out.push_back(textBlock(asStringView(content)));
    return std::nullopt;
  }
  if (!content.is_array()) {
    return bad(path, "expected a string or an array of content parts");
  }
  const auto& parts = content.get_array();
  for (std::size_t j = 0; j < parts.size(); ++j) {
    std::string p = fmt::format("{}[{}]", path, j);
    if (!parts[j].is_object()) {
      return bad(p, "expected an object");
    }
    const auto& part = parts[j].get_object();
    std::string_view type = part.contains("type") ? asStringView(part.at("type")) : "";
    Err err;
    if (type == "text") {
      const auto* t = part.if_contains("text");
      if (t == nullptr || !t->is_string()) {
        return bad(p + ".text", "expected a string");
      }
      out.push_back(textBlock(asStringView(*t)));
    } else if (type == "image_url") {
      err = imagePart(part, p, out);
    } else if (type == "file") {
      err = filePart(part, p, out);
    } else if (type == "input_audio") {
      return bad(p, "audio input is not supported by this model");
    } else {
      return bad(p + ".type", fmt::format("unknown content part type \"{}\"", type));
    }
    if (err) {
      return err;
    }
  }
  return std::nullopt;
}

ir::Block toolUse(std::string id, std::string_view name, const js::value* arguments) {
  ir::Block b;
  b.type = ir::BlockType::ToolUse;
  b.id = std::move(id);
  b.name = std::string(name);
  if (arguments != nullptr && arguments->is_object()) {
    b.input = *arguments;
  } else {
    b.input = parseArguments(arguments != nullptr ? asStringView(*arguments) : std::string_view());
  }
  return b;
}

class MessageReader {
public:
  explicit MessageReader(ir::Request& req) : req_(req) {}

  Err read(const js::array& messages) {
    for (std::size_t i = 0; i < messages.size(); ++i) {
      std::string path = fmt::format("messages[{}]", i);
      if (!messages[i].is_object()) {
        return bad(path, "expected an object");
      }
      const auto& m = messages[i].get_object();
      const auto* role = m.if_contains("role");
      if (role == nullptr || !role->is_string()) {
        return bad(path + ".role", "expected a string");
      }
      std::string_view r = asStringView(*role);
      Err err;
      if (r == "system" || r == "developer") {
        err = system(m, path);
      } else if (r == "user") {
        err = user(m, path);
      } else if (r == "assistant") {
        err = assistant(m, path);
      } else if (r == "tool" || r == "function") {
        err = tool(m, path, r == "function");
      } else {
        return bad(path + ".role", fmt::format("unknown role \"{}\"", r));
      }
      if (err) {
        return err;
      }
    }
    return std::nullopt;
  }

private:
  // Leading system/developer messages become the system prompt; later ones stay in place.
  Err system(const js::object& m, const std::string& path) {
    const auto* c = field(m, "content");
    if (c == nullptr) {
      return bad(path + ".content", "required");
    }
    std::vector<ir::Block> blocks;
    if (auto err = textContent(*c, path + ".content", false, blocks)) {
      return err;
    }
    if (req_.messages.empty()) {
      for (auto& b : blocks) {
        req_.system.push_back(std::move(b));
      }
    } else {
      req_.messages.push_back({ir::Role::System, std::move(blocks)});
    }
    tool_turn_ = false;
    return std::nullopt;
  }

  Err user(const js::object& m, const std::string& path) {
    const auto* c = field(m, "content");
    if (c == nullptr) {
      return bad(path + ".content", "required");
    }
    std::vector<ir::Block> blocks;
    if (auto err = userContent(*c, path + ".content", blocks)) {
      return err;
    }
    if (tool_turn_) { // the text after tool results joins their turn, as Anthropic expects
      for (auto& b : blocks) {
        req_.messages.back().content.push_back(std::move(b));
      }
    } else {
      req_.messages.push_back({ir::Role::User, std::move(blocks)});
    }
    tool_turn_ = false;
    return std::nullopt;
  }

  Err assistant(const js::object& m, const std::string& path) {
    tool_turn_ = false;
    std::vector<ir::Block> blocks;
    if (const auto* c = field(m, "content")) {
      if (auto err = textContent(*c, path + ".content", true, blocks)) {
        return err;
      }
      std::erase_if(blocks, [](const ir::Block& b) { return b.text.empty(); });
    }
    if (const auto* calls = field(m, "tool_calls")) {
      if (!calls->is_array()) {
        return bad(path + ".tool_calls", "expected an array");
      }
      const auto& arr = calls->get_array();
      for (std::size_t k = 0; k < arr.size(); ++k) {
        std::string p = fmt::format("{}.tool_calls[{}]", path, k);
        if (!arr[k].is_object()) {
          return bad(p, "expected an object");
        }
        const auto& call = arr[k].get_object();
        const auto* id = call.if_contains("id");
        if (id == nullptr || !id->is_string()) {
          return bad(p + ".id", "expected a string");
        }
        if (const auto* type = call.if_contains("type"); type != nullptr && asStringView(*type) == "custom") {
          return bad(p + ".type", "custom tool calls are not supported by this model");
        }
        const auto* fn = call.if_contains("function");
        if (fn == nullptr || !fn->is_object()) {
          return bad(p + ".function", "expected an object");
        }
        const auto* name = fn->get_object().if_contains("name");
        if (name == nullptr || !name->is_string()) {
          return bad(p + ".function.name", "expected a string");
        }
        blocks.push_back(
            toolUse(std::string(asStringView(*id)), asStringView(*name), fn->get_object().if_contains("arguments")));
      }
    }
    if (const auto* fc = field(m, "function_call")) { // deprecated single function call
      if (!fc->is_object() || !fc->get_object().contains("name") || !fc->get_object().at("name").is_string()) {
        return bad(path + ".function_call.name", "expected a string");
      }
      std::string id = fmt::format("call_fn_{}", ++function_calls_);
      last_function_id_ = id;
      blocks.push_back(
          toolUse(id, asStringView(fc->get_object().at("name")), fc->get_object().if_contains("arguments")));
    }
    if (!blocks.empty()) { // an empty assistant turn is not valid for Claude; it carries nothing
      req_.messages.push_back({ir::Role::Assistant, std::move(blocks)});
    }
    return std::nullopt;
  }

  // Consecutive tool (and legacy function) results form one user turn of tool_result blocks.
  Err tool(const js::object& m, const std::string& path, bool legacy_function) {
    ir::Block b;
    b.type = ir::BlockType::ToolResult;
    if (legacy_function) {
      b.id = last_function_id_.empty() ? fmt::format("call_fn_{}", ++function_calls_) : last_function_id_;
    } else {
      const auto* id = m.if_contains("tool_call_id");
      if (id == nullptr || !id->is_string()) {
        return bad(path + ".tool_call_id", "expected a string");
      }
      b.id = std::string(asStringView(*id));
    }
    if (const auto* c = field(m, "content")) {
      if (auto err = textContent(*c, path + ".content", false, b.content)) {
        return err;
      }
    }
    if (!tool_turn_) {
      req_.messages.push_back({ir::Role::User, {}});
      tool_turn_ = true;
    }
    req_.messages.back().content.push_back(std::move(b));
    return std::nullopt;
  }

  ir::Request& req_;
  bool tool_turn_ = false;
  int function_calls_ = 0;
  std::string last_function_id_;
};

} // namespace

std::optional<Error> readMessages(const js::array& messages, ir::Request& req) {
  MessageReader reader(req);
  return reader.read(messages);
}

} // namespace hd::translate::openai::detail
