#pragma once
// What the translator needs to know about an OpenAI model that the wire format does not say.
//
// Names are matched after lowercasing and dropping any "provider/" prefix. Azure deployment names are
// chosen by the user and need not contain the model name, so callers with configuration should prefer it
// and use these guesses only as defaults.

#include <cstdint>
#include <string_view>

namespace hd::translate::openai {

// o1 / o3 / o4 families and gpt-5* (except the non-reasoning gpt-5*-chat* snapshots). Reasoning models take
// `max_completion_tokens` and `reasoning_effort` and reject `temperature` / `top_p`.
bool isReasoningModel(std::string_view model);

// The documented maximum output tokens of well-known models, or 0 when the name is not recognised.
// Claude Code asks for max_tokens 32000, which e.g. gpt-4o (16384) rejects with a 400.
std::int64_t defaultMaxOutputTokens(std::string_view model);

} // namespace hd::translate::openai
