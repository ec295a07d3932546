#include "inbound/anthropic/openai_token_count.h"

#include <boost/json.hpp>

#include "tokenize/tokenize.h"
#include "translate/anthropic/request.h"
#include "translate/openai/model_traits.h"
#include "translate/openai/request_to_openai.h"

namespace hd::inbound::anthropic {

namespace js = boost::json;

namespace {

std::string str(const js::value* v) {
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
}

// The text pieces of one OpenAI chat message as the model sees them.
tokenize::ChatMessage toCountMessage(const js::object& m) {
  tokenize::ChatMessage out;
  out.role = str(m.if_contains("role"));
  if (const auto* n = m.if_contains("name"); n != nullptr && n->is_string()) {
    out.name = std::string(n->get_string());
  }
  if (const auto* c = m.if_contains("content")) {
    if (c->is_string()) {
      out.content.emplace_back(c->get_string());
    } else if (c->is_array()) {
      for (const auto& part : c->get_array()) {
        if (part.is_object()) {
          if (auto t = str(part.get_object().if_contains("text")); !t.empty()) {
            out.content.push_back(std::move(t));
          }
        }
      }
    }
  }
  if (const auto* calls = m.if_contains("tool_calls"); calls != nullptr && calls->is_array()) {
    for (const auto& call : calls->get_array()) {
      if (!call.is_object()) {
        continue;
      }
      if (const auto* f = call.get_object().if_contains("function"); f != nullptr && f->is_object()) {
        out.content.push_back(str(f->get_object().if_contains("name")));
        out.content.push_back(str(f->get_object().if_contains("arguments")));
      }
    }
  }
  return out;
}

} // namespace

Result<std::optional<TokenCount>> countOpenAIInputTokens(const routing::Route& route,
                                                         const js::object& anthropic_request) {
  auto enc = tokenize::encodingForModel(route.deployment.name);
  if (!enc) {
    enc = tokenize::encodingForModel(route.model);
  }
  if (!enc || !tokenize::hasVocabulary(*enc)) {
    return std::optional<TokenCount>();
  }
  auto ir = translate::anthropic::requestToIr(anthropic_request);
  if (!ir) {
    return ir.error();
  }
  translate::openai::TargetOptions opt;
  opt.model = route.deployment.name;
  opt.accepts_file_parts = true; // counting only: PDFs are not counted as text either way
  opt.reasoning_model =
      translate::openai::isReasoningModel(route.deployment.name) || translate::openai::isReasoningModel(route.model);
  auto body = translate::openai::requestToOpenAI(*ir, opt);
  if (!body) {
    return body.error();
  }
  tokenize::ChatCountInput input;
  if (const auto* msgs = body->if_contains("messages"); msgs != nullptr && msgs->is_array()) {
    for (const auto& m : msgs->get_array()) {
      if (m.is_object()) {
        input.messages.push_back(toCountMessage(m.get_object()));
      }
    }
  }
  if (const auto* tools = body->if_contains("tools"); tools != nullptr && tools->is_array()) {
    for (const auto& t : tools->get_array()) {
      const auto* f = t.is_object() ? t.get_object().if_contains("function") : nullptr;
      if (f == nullptr || !f->is_object()) {
        continue;
      }
      const auto& fo = f->get_object();
      tokenize::ChatTool tool;
      tool.name = str(fo.if_contains("name"));
      tool.description = str(fo.if_contains("description"));
      if (const auto* p = fo.if_contains("parameters")) {
        tool.parameters = *p;
      }
      input.tools.push_back(std::move(tool));
    }
  }
  TokenCount count;
  count.input_tokens = static_cast<std::int64_t>(tokenize::countChatTokens(*enc, input));
  count.encoding = std::string(tokenize::encodingName(*enc));
  return std::optional<TokenCount>(count);
}

} // namespace hd::inbound::anthropic
