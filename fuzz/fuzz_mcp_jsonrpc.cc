// Fuzz target: JSON-RPC messages from MCP clients and servers (mcp/jsonrpc).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mcp/jsonrpc.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = hd::mcp::rpc::parse(text);
  if (parsed) {
    for (const auto& m : parsed->messages) {
      (void)hd::mcp::rpc::idKey(m.id);
      if (m.isRequest()) {
        (void)hd::mcp::rpc::resultMessage(m.id, nullptr);
      }
    }
  }
  return 0;
}
