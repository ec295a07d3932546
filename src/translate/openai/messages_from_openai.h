#pragma once
// The `messages` array of an OpenAI chat request -> IR system blocks and messages (internal to
// request_from_openai.cc).

#include <boost/json/array.hpp>
#include <optional>

#include "core/error.h"
#include "core/ir.h"

namespace hd::translate::openai::detail {

// Leading system/developer messages go to req.system, later ones stay in place as Role::System; consecutive
// tool results (and the user text after them) form one user turn. Errors name the JSON path.
std::optional<Error> readMessages(const boost::json::array& messages, ir::Request& req);

} // namespace hd::translate::openai::detail
