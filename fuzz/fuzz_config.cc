// Fuzzes config.json loading (files and, later, management API bodies are untrusted text).
#include <cstdint>
#include <string_view>

#include "config/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "SET") {
      return std::string("https://example.com");
    }
    return std::nullopt;
  };
  (void)hd::config::fromText(text, env);
  return 0;
}
