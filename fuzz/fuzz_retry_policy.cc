// Fuzzes what the retry policy reads from upstream answers: stream first events (through the SSE parser),
// error bodies (retry signals, errors inside 2xx bodies) and retry-after headers.
#include <chrono>
#include <cstdint>
#include <string_view>

#include "core/sse.h"
#include "pipeline/retry_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  hd::sse::Parser parser([](const hd::sse::Event& ev) { (void)hd::pipeline::classifyStreamEvent(ev.type, ev.data); });
  parser.feed(text);
  (void)hd::pipeline::bodySignalsRetry(text);
  (void)hd::pipeline::errorInSuccessBody(text);
  auto split = text.find('\n');
  std::string_view a = text.substr(0, split);
  std::string_view b = split == std::string_view::npos ? std::string_view() : text.substr(split + 1);
  (void)hd::pipeline::parseRetryAfter(a, b, std::chrono::system_clock::now());
  (void)hd::pipeline::parseRetryAfter("", text, std::chrono::system_clock::now());
  return 0;
}
