#pragma once
// The virtual key in the OS keyring, through the freedesktop Secret Service API (libsecret): one secret per
// gateway base URL, never written to disk by Heimdall. Without a session bus or a Secret Service provider
// (headless machines) every call reports the keyring as unavailable.

#include <optional>
#include <string>

#include "core/error.h"

namespace hd::cli {

class Keyring {
public:
  // Whether a Secret Service answers on the session bus; `why` explains when it does not.
  static bool available(std::string* why);
  // The stored key for `base_url`; nullopt when none is stored.
  static Result<std::optional<std::string>> load(const std::string& base_url);
  static Result<bool> store(const std::string& base_url, const std::string& key);
  static Result<bool> remove(const std::string& base_url);
};

} // namespace hd::cli
