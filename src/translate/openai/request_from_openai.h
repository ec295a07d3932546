#pragma once
// OpenAI Chat Completions request body -> IR request (the inbound direction: OpenAI-SDK clients reaching
// Claude deployments). See docs/translation.md for the mapping and what is dropped or refused.

#include <boost/json/object.hpp>

#include "core/error.h"
#include "core/ir.h"

namespace hd::translate::openai {

// Validation errors are 400s that name the JSON path ("messages[2].content[0].image_url.url: ...").
// Refused with a 400 because a Claude model cannot honour them: n > 1, logprobs / top_logprobs, audio
// output, custom tools, allowed_tools, web_search_options, file_id / input_audio parts.
Result<ir::Request> requestFromOpenAI(const boost::json::object& body);

// stream_options.include_usage (false when absent or not a boolean): the StreamEncoder's include_usage.
bool streamIncludeUsage(const boost::json::object& body);

} // namespace hd::translate::openai
