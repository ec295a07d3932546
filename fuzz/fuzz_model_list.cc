// Fuzzes the model-list parser `heimdall launch` applies to GET {base}/v1/models answers, and the filter
// run over its ids.
#include <cstdint>
#include <string_view>

#include "cli/model_list.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto models = hd::cli::parseModelList(text);
  if (models) {
    auto query = text.substr(0, text.size() % 7);
    (void)hd::cli::filterModels(models.value(), query);
  }
  return 0;
}
