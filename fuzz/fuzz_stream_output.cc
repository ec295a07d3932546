// The request log's rebuild of a streamed answer from its captured events (untrusted upstream bytes):
// whatever the input, the rebuild ends, and what it returns is one JSON object.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "logs/stream_output.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view sse(reinterpret_cast<const char*>(data), size);
  if (auto out = hd::logs::reconstructStream(sse)) {
    boost::system::error_code ec;
    auto v = boost::json::parse(*out, ec);
    if (ec || !v.is_object()) {
      std::abort();
    }
  }
  return 0;
}
