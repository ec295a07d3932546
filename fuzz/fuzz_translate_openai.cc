// Fuzzes the OpenAI Chat Completions translators with untrusted bytes: request bodies (OpenAI -> IR -> OpenAI),
// whole responses (-> IR -> OpenAI), and the stream decoder fed in uneven pieces, whose IR events must keep
// Anthropic's ordering rules and re-encode as OpenAI chunks.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/json_util.h"
#include "translate/openai/errors.h"
#include "translate/openai/request_from_openai.h"
#include "translate/openai/request_to_openai.h"
#include "translate/openai/response.h"
#include "translate/openai/stream_decoder.h"
#include "translate/openai/stream_encoder.h"

namespace {

namespace oai = hd::translate::openai;
using Ev = hd::ir::StreamEvent;

// MessageStart first (at most once), blocks opened and closed in order with increasing indexes, deltas only
// for the open block, one terminal event (MessageStop or Error) and nothing after it.
struct OrderChecker {
  bool started = false;
  bool ended = false;
  bool open = false;
  bool delta_seen = false;
  std::size_t open_index = 0;
  std::size_t next_index = 0;

  void check(bool ok) const {
    if (!ok) {
      std::abort();
    }
  }

  void operator()(const Ev& ev) {
    check(!ended);
    switch (ev.type) {
    case Ev::Type::MessageStart:
      check(!started);
      started = true;
      break;
    case Ev::Type::BlockStart:
      check(started && !open && ev.index == next_index);
      open = true;
      open_index = ev.index;
      ++next_index;
      break;
    case Ev::Type::BlockDelta:
      check(open && ev.index == open_index && !ev.delta_text.empty());
      break;
    case Ev::Type::BlockStop:
      check(open && ev.index == open_index);
      open = false;
      break;
    case Ev::Type::MessageDelta:
      check(started && !open && !delta_seen);
      delta_seen = true;
      break;
    case Ev::Type::MessageStop:
      check(delta_seen);
      ended = true;
      break;
    case Ev::Type::Error:
      check(!open);
      ended = true;
      break;
    case Ev::Type::Ping:
      break;
    }
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  auto doc = hd::json::parse(text);
  if (doc && doc->is_object()) {
    auto req = oai::requestFromOpenAI(doc->get_object());
    if (req) {
      oai::TargetOptions opt;
      opt.model = "gpt-4o";
      (void)oai::requestToOpenAI(*req, opt);
      opt.model = "o3";
      opt.reasoning_model = true;
      opt.accepts_file_parts = true;
      (void)oai::requestToOpenAI(*req, opt);
    }
    (void)oai::streamIncludeUsage(doc->get_object());
  }

  auto resp = oai::responseFromOpenAI(text);
  if (resp) {
    (void)oai::responseToOpenAI(*resp, "m");
  }
  (void)oai::mapOpenAIError(static_cast<int>(size % 600), text);

  // Uneven pieces whose sizes derive from the input itself.
  OrderChecker checker;
  oai::StreamEncoder encoder({"m", true});
  std::string encoded;
  oai::StreamDecoder decoder("m");
  oai::StreamDecoder::Emit emit = [&](const Ev& ev) {
    checker(ev);
    encoder.encode(ev, encoded);
  };
  std::size_t step = size > 0 ? 1 + data[0] % 13 : 1;
  for (std::size_t i = 0; i < size;) {
    std::size_t n = std::min(step, size - i);
    decoder.feed(text.substr(i, n), emit);
    i += n;
    step = 1 + (step * 7 + 3) % 29;
  }
  decoder.finish(emit);
  if (!decoder.finished() || !checker.ended) {
    std::abort();
  }

  // What the encoder produced decodes again, under the same rules.
  OrderChecker again;
  oai::StreamDecoder redecoder("m");
  oai::StreamDecoder::Emit check_only = [&](const Ev& ev) { again(ev); };
  redecoder.feed(encoded, check_only);
  redecoder.finish(check_only);
  return 0;
}
