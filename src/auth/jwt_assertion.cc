#include "auth/jwt_assertion.h"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <array>
#include <boost/json.hpp>

namespace hd::auth {

struct CertificateSigner::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

namespace {

constexpr std::chrono::seconds kAssertionLifetime{600};

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::unique_ptr<BIO, BioDeleter> memBio(std::string_view pem) {
  return std::unique_ptr<BIO, BioDeleter>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

std::string uuid4() {
  std::array<unsigned char, 16> b{};
  RAND_bytes(b.data(), static_cast<int>(b.size()));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  std::string hex;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      hex += '-';
    }
    hex += fmt::format("{:02x}", b[i]);
  }
  return hex;
}

} // namespace

std::string base64Url(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    unsigned v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (i + 2 == bytes.size()) {
    unsigned v = byte(i) << 16 | byte(i + 1) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

CertificateSigner::~CertificateSigner() = default;

Result<std::shared_ptr<const CertificateSigner>> CertificateSigner::load(std::string_view pem,
                                                                         std::string_view password) {
  auto cert_bio = memBio(pem);
  std::unique_ptr<X509, X509Deleter> cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    return Error::invalidRequest("client_certificate holds no PEM certificate (BEGIN CERTIFICATE)");
  }
  std::string pass(password);
  auto key_bio = memBio(pem);
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, pass.empty() ? nullptr : pass.data());
  if (pkey == nullptr) {
    return Error::invalidRequest(
        "client_certificate holds no readable private key (PEM PRIVATE KEY; set client_certificate_password "
        "when it is encrypted)");
  }
  std::shared_ptr<CertificateSigner> signer(new CertificateSigner());
  signer->key_ = std::make_unique<Key>();
  signer->key_->pkey = pkey;
  if (EVP_PKEY_base_id(pkey) != EVP_PKEY_RSA) {
    return Error::invalidRequest("client_certificate: Entra ID certificate credentials need an RSA key");
  }
  if (X509_check_private_key(cert.get(), pkey) != 1) {
    return Error::invalidRequest("client_certificate: the private key does not match the certificate");
  }
  std::array<unsigned char, SHA_DIGEST_LENGTH> sha1{};
  unsigned int n = 0;
  if (X509_digest(cert.get(), EVP_sha1(), sha1.data(), &n) != 1) {
    return Error::internal("client_certificate: cannot compute the certificate thumbprint");
  }
  signer->x5t_ = base64Url(std::string_view(reinterpret_cast<const char*>(sha1.data()), n));
  return std::shared_ptr<const CertificateSigner>(std::move(signer));
}

Result<std::string> CertificateSigner::assertion(std::string_view client_id, std::string_view audience,
                                                 Clock::time_point now) const {
  namespace js = boost::json;
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  js::object header;
  header["alg"] = "RS256";
  header["typ"] = "JWT";
  header["x5t"] = x5t_;
  js::object claims;
  claims["aud"] = audience;
  claims["iss"] = client_id;
  claims["sub"] = client_id;
  claims["jti"] = uuid4();
  claims["nbf"] = secs;
  claims["iat"] = secs;
  claims["exp"] = secs + kAssertionLifetime.count();
  std::string input = base64Url(js::serialize(header)) + "." + base64Url(js::serialize(claims));

  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  std::size_t sig_len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_->pkey) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &sig_len, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1) {
    return Error::internal("client_certificate: signing the client assertion failed");
  }
  std::string sig(sig_len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &sig_len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    return Error::internal("client_certificate: signing the client assertion failed");
  }
  sig.resize(sig_len);
  return input + "." + base64Url(sig);
}

} // namespace hd::auth
