// Fuzzes the byte-preserving top-level JSON editor used on every passthrough request body.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/json_util.h"
#include "core/raw_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto layout = hd::rawjson::scanObject(text);
  if (!layout) {
    return 0;
  }
  std::string out = hd::rawjson::applyEdits(text, *layout, {{"model", "\"x\""}, {"fallbacks", ""}, {"deployment", ""}});
  // Valid JSON in must stay valid JSON out, with the model replaced.
  auto in_doc = hd::json::parse(text);
  if (in_doc && in_doc->is_object()) {
    auto out_doc = hd::json::parse(out);
    if (!out_doc || !out_doc->is_object()) {
      std::abort();
    }
    const auto* m = out_doc->get_object().if_contains("model");
    if (m == nullptr || !m->is_string() || m->get_string() != "x" || out_doc->get_object().contains("fallbacks")) {
      std::abort();
    }
  }
  return 0;
}
