#include "translate/openai/response.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <chrono>

#include "core/json_util.h"
#include "translate/openai/errors.h"
#include "translate/openai/util.h"

namespace hd::translate::openai {

namespace js = boost::json;

namespace {

ir::Block textBlock(std::string_view text) {
  ir::Block b;
  b.type = ir::BlockType::Text;
  b.text = std::string(text);
  return b;
}

// `content` is a string in OpenAI's API; some compatible servers send an array of text parts.
std::string contentText(const js::value& content) {
  if (content.is_string()) {
    return std::string(detail::asStringView(content));
  }
  std::string out;
  if (content.is_array()) {
    for (const auto& p : content.get_array()) {
      if (p.is_object()) {
        if (const auto* t = p.get_object().if_contains("text")) {
          out.append(detail::asStringView(*t));
        }
      }
    }
  }
  return out;
}

ir::Block toolUse(std::string id, const js::object& fn) {
  ir::Block b;
  b.type = ir::BlockType::ToolUse;
  b.id = std::move(id);
  if (const auto* n = fn.if_contains("name")) {
    b.name = std::string(detail::asStringView(*n));
  }
  const auto* args = fn.if_contains("arguments");
  if (args != nullptr && args->is_object()) {
    b.input = *args; // some servers send the object itself
  } else {
    b.input = detail::parseArguments(args != nullptr ? detail::asStringView(*args) : std::string_view());
  }
  return b;
}

} // namespace

Result<ir::Response> responseFromOpenAI(std::string_view body) {
  auto parsed = json::parse(body);
  if (!parsed || !parsed->is_object()) {
    return Error::badGateway("upstream returned a chat completion that is not a JSON object");
  }
  const auto& o = parsed->get_object();
  if (const auto* err = o.if_contains("error"); err != nullptr && (err->is_object() || err->is_string())) {
    auto mapped = mapOpenAIErrorValue(0, *err);
    return errorFromAnthropicType(mapped.type, std::move(mapped.message), ErrorKind::BadGateway);
  }
  const auto* choices = o.if_contains("choices");
  if (choices == nullptr || !choices->is_array() || choices->get_array().empty() ||
      !choices->get_array()[0].is_object()) {
    return Error::badGateway("upstream chat completion has no choices");
  }
  const auto& choice = choices->get_array()[0].get_object();
  const auto* message = choice.if_contains("message");
  if (message == nullptr || !message->is_object()) {
    return Error::badGateway("upstream chat completion has no message");
  }
  const auto& msg = message->get_object();

  ir::Response r;
  r.id = detail::messageIdFromCompletionId(o.contains("id") ? detail::asStringView(o.at("id")) : "");
  if (const auto* m = o.if_contains("model")) {
    r.model = std::string(detail::asStringView(*m));
  }
  for (std::string_view key : {"reasoning_content", "reasoning"}) {
    if (const auto* rc = msg.if_contains(key); rc != nullptr && rc->is_string() && !rc->get_string().empty()) {
      ir::Block b;
      b.type = ir::BlockType::Thinking;
      b.text = std::string(detail::asStringView(*rc));
      r.content.push_back(std::move(b));
      break;
    }
  }
  if (const auto* c = msg.if_contains("content")) {
    if (std::string text = contentText(*c); !text.empty()) {
      r.content.push_back(textBlock(text));
    }
  }
  if (const auto* rf = msg.if_contains("refusal"); rf != nullptr && rf->is_string() && !rf->get_string().empty()) {
    r.content.push_back(textBlock(detail::asStringView(*rf)));
  }
  bool called_tools = false;
  if (const auto* calls = msg.if_contains("tool_calls"); calls != nullptr && calls->is_array()) {
    for (const auto& c : calls->get_array()) {
      if (!c.is_object()) {
        continue;
      }
      const auto& call = c.get_object();
      const auto* fn = call.if_contains("function");
      if (fn == nullptr || !fn->is_object()) {
        continue; // custom tools are never offered upstream
      }
      std::string id(call.contains("id") ? detail::asStringView(call.at("id")) : "");
      r.content.push_back(toolUse(id.empty() ? detail::randomId("call_") : id, fn->get_object()));
      called_tools = true;
    }
  }
  if (const auto* fc = msg.if_contains("function_call"); fc != nullptr && fc->is_object() && !called_tools) {
    r.content.push_back(toolUse(detail::randomId("call_"), fc->get_object()));
    called_tools = true;
  }
  std::string_view finish;
  if (const auto* f = choice.if_contains("finish_reason")) {
    finish = detail::asStringView(*f);
  }
  r.stop_reason = detail::stopReasonFromFinish(finish, called_tools);
  if (const auto* u = o.if_contains("usage"); u != nullptr && u->is_object()) {
    r.usage = detail::usageFromOpenAI(u->get_object());
  }
  return r;
}

std::string responseToOpenAI(const ir::Response& response, std::string_view model) {
  std::string text;
  std::string reasoning;
  bool any_text = false;
  js::array calls;
  for (const auto& b : response.content) {
    switch (b.type) {
    case ir::BlockType::Text:
      if (any_text) {
        text.append("\n\n");
      }
      text.append(b.text);
      any_text = true;
      break;
    case ir::BlockType::Thinking:
      reasoning.append(b.text);
      break;
    case ir::BlockType::ToolUse: {
      calls.push_back(detail::toolCall(b));
      break;
    }
    default:
      break; // redacted thinking, server tool results: nothing an OpenAI client can use
    }
  }
  js::object msg;
  msg["role"] = "assistant";
  msg["content"] = any_text || calls.empty() ? js::value(js::string(text)) : js::value(nullptr);
  msg["refusal"] = nullptr;
  if (!reasoning.empty()) {
    msg["reasoning_content"] = reasoning;
  }
  if (!calls.empty()) {
    msg["tool_calls"] = std::move(calls);
  }
  js::object choice;
  choice["index"] = 0;
  choice["message"] = std::move(msg);
  choice["logprobs"] = nullptr;
  choice["finish_reason"] = detail::finishReasonFromStop(response.stop_reason);
  js::array choices;
  choices.push_back(std::move(choice));

  js::object o;
  o["id"] = detail::completionIdFromMessageId(response.id);
  o["object"] = "chat.completion";
  o["created"] =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  o["model"] = model.empty() ? std::string_view(response.model) : model;
  o["choices"] = std::move(choices);
  o["usage"] = detail::usageToOpenAI(response.usage);
  return js::serialize(o);
}

} // namespace hd::translate::openai
