#pragma once
// What `heimdall launch` asks the running gateway: is it up (GET {base}/health), and which models does it
// offer to this key (GET {base}/v1/models). Blocking calls with bounded timeouts.

#include <chrono>
#include <string>
#include <vector>

namespace hd::cli {

struct ProbeResult {
  bool ok = false;
  std::string message; // for the user when !ok
};

ProbeResult checkHealth(const std::string& base_url, std::chrono::milliseconds timeout = std::chrono::seconds(5));

struct ModelsResult {
  enum class Kind { Ok, Unreachable, KeyRejected, Failed };
  Kind kind = Kind::Failed;
  std::vector<std::string> models; // Ok (may be empty)
  std::string message;             // otherwise
};

// Sends the key as `Authorization: Bearer` and `x-bf-vk` (Bifrost's virtual-key header); 401/403 is
// KeyRejected.
ModelsResult fetchModels(const std::string& base_url, const std::string& key,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

} // namespace hd::cli
