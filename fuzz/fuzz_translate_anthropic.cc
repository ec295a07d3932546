// Fuzzes the Anthropic wire format <-> IR translators with untrusted bytes: a request body (parse, render,
// parse again), an upstream response body (parse, render, parse again), and an upstream SSE stream fed to
// the decoder in uneven pieces with every decoded event re-encoded. Rendering what was accepted must
// always parse again and render the same; nothing may crash or throw.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json_util.h"
#include "translate/anthropic/request.h"
#include "translate/anthropic/response.h"
#include "translate/anthropic/stream_decoder.h"
#include "translate/anthropic/stream_encoder.h"

namespace ta = hd::translate::anthropic;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  auto doc = hd::json::parse(text);
  if (doc && doc->is_object()) {
    auto req = ta::requestToIr(doc->get_object());
    if (req) {
      boost::json::object body = ta::requestFromIr(*req);
      auto again = ta::requestToIr(body);
      if (!again || ta::requestFromIr(*again) != body) {
        __builtin_trap(); // a rendered request must be valid, and rendering must be idempotent
      }
    }
  }

  auto resp = ta::responseToIr(text);
  if (resp) {
    if (resp->id.empty()) {
      resp->id = "msg_fuzz"; // else a random one is generated each time
    }
    std::string body = ta::responseFromIr(*resp);
    auto again = ta::responseToIr(body);
    if (!again || ta::responseFromIr(*again) != body) {
      __builtin_trap(); // a rendered response must be valid, and rendering must be idempotent
    }
  }

  ta::StreamDecoder decoder;
  ta::StreamEncoder encoder;
  std::size_t pos = 0;
  for (std::size_t i = 0; pos < size; ++i) {
    std::size_t len = 1 + data[(i * 7) % size] % 97; // uneven, input-dependent piece sizes
    decoder.feed(text.substr(pos, len), [&](hd::ir::StreamEvent&& ev) { (void)encoder.encode(ev); });
    pos += len;
  }
  (void)decoder.finished();
  return 0;
}
