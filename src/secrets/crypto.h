#pragma once
// Secrets at rest and admin passwords. Argon2id (libargon2) derives keys and hashes passwords;
// AES-256-GCM (OpenSSL EVP) seals values. A sealed value is text, safe to store in JSON:
//   "enc:v1:" + base64(nonce[12] || ciphertext || tag[16])
// The "v1" tag names the scheme so a later rotation can tell old values from new ones.

#include <array>
#include <string>
#include <string_view>

#include "core/error.h"

namespace hd::secrets {

// Cryptographically random bytes (OpenSSL's DRBG).
std::string randomBytes(std::size_t n);
// Standard base64 (with padding) and its inverse; nullopt-like failure as an Error.
std::string base64(std::string_view bytes);
Result<std::string> unbase64(std::string_view text);
// URL-safe base64 without padding (for tokens and keys that travel in headers).
std::string base64url(std::string_view bytes);
// Lower-case hex SHA-256 of `data`.
std::string sha256Hex(std::string_view data);
// A random RFC 4122 version-4 UUID.
std::string uuid4();
// Compares in time independent of where the inputs differ (lengths may leak).
bool constantTimeEquals(std::string_view a, std::string_view b);

class Cipher {
public:
  // Derives the AES-256 key from a passphrase and a stored random salt (>= 16 bytes).
  static Result<Cipher> derive(std::string_view passphrase, std::string_view salt);

  std::string seal(std::string_view plaintext) const;
  // Fails (without detail that could help an attacker) on a wrong key or a damaged value.
  Result<std::string> open(std::string_view sealed) const;

  static bool isSealed(std::string_view s) { return s.rfind(kPrefix, 0) == 0; }
  static constexpr std::string_view kPrefix = "enc:v1:";

private:
  std::array<unsigned char, 32> key_{};
};

// Argon2id password hashing in the standard encoded form ($argon2id$v=19$m=...,t=...,p=...$salt$hash).
Result<std::string> hashPassword(std::string_view password);
bool verifyPassword(std::string_view encoded, std::string_view password);

} // namespace hd::secrets
