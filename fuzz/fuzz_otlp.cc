// OTLP JSON encoding of untrusted strings (model names, header-derived values, tool names, errors) and the
// OTEL_RESOURCE_ATTRIBUTES parser: whatever the bytes, the export body is valid JSON that keeps them.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "obs/otlp_json.h"
#include "obs/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto resource = hd::obs::otlp::resourceAttributes("svc", in);
  hd::obs::RequestRecord r;
  r.trace.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  r.trace.span_id = "1111111111111111";
  r.model = std::string(in);
  r.inbound = std::string(in.substr(0, 32));
  r.error = std::string(in);
  r.status_code = 500;
  auto& a = r.attempts.emplace_back();
  a.span_id = "2222222222222222";
  a.model = std::string(in);
  a.error = std::string(in);
  auto spans = hd::obs::otlp::requestSpans(r);
  auto body = hd::obs::otlp::encodeExportRequest(resource, spans, "v");
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec) {
    std::abort();
  }
  // The model string survives the round trip when it is valid UTF-8 (else it is repaired).
  const auto& s = v.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").at(0);
  for (const auto& attr : s.at("attributes").as_array()) {
    if (attr.at("key").as_string() == "gen_ai.request.model" && !in.empty() &&
        attr.at("value").at("stringValue").as_string() != hd::obs::toValidUtf8(in)) {
      std::abort();
    }
  }
  return 0;
}
