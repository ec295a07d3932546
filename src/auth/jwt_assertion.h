#pragma once
// Client assertions for certificate credentials: a JWT signed with the certificate's RSA private key
// (RS256), with the certificate's SHA-1 thumbprint in the `x5t` header, as Entra ID's certificate
// credential format requires. Written by hand on OpenSSL's EVP API: no Debian-packaged C++ library builds
// these assertions.

#include <memory>
#include <string>
#include <string_view>

#include "auth/access_token.h"
#include "core/error.h"

namespace hd::auth {

class CertificateSigner {
public:
  // `pem` holds the certificate and its private key (PKCS#8 or traditional, optionally encrypted with
  // `password`). Errors describe what is missing, never the key material.
  static Result<std::shared_ptr<const CertificateSigner>> load(std::string_view pem, std::string_view password);
  ~CertificateSigner();
  CertificateSigner(const CertificateSigner&) = delete;
  CertificateSigner& operator=(const CertificateSigner&) = delete;

  // A signed assertion for `client_id` (iss and sub) addressed to `audience` (the token endpoint URL),
  // valid for ten minutes from `now`.
  Result<std::string> assertion(std::string_view client_id, std::string_view audience, Clock::time_point now) const;

  // The certificate's SHA-1 thumbprint, base64url (the `x5t` header).
  const std::string& thumbprint() const { return x5t_; }

private:
  CertificateSigner() = default;
  struct Key;
  std::unique_ptr<Key> key_;
  std::string x5t_;
};

// Base64url without padding (RFC 7515 §2).
std::string base64Url(std::string_view bytes);

} // namespace hd::auth
