#include "secrets/crypto.h"

#include <argon2.h>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

namespace hd::secrets {
namespace {

// Argon2id cost: OWASP's recommended minimum for Argon2id
// (19 MiB, 2 passes). Key derivation runs once per process; password checks are rate limited.
constexpr std::uint32_t kTimeCost = 2;
constexpr std::uint32_t kMemoryKiB = 19 * 1024;
constexpr std::uint32_t kParallelism = 1;
constexpr std::size_t kNonceLen = 12;
constexpr std::size_t kTagLen = 16;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

} // namespace

std::string randomBytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("the system random number generator failed");
  }
  return out;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

Result<std::string> unbase64(std::string_view text) {
  if (text.size() % 4 != 0) {
    return Error::invalidRequest("malformed base64");
  }
  std::string out(3 * text.size() / 4, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) {
    return Error::invalidRequest("malformed base64");
  }
  // EVP_DecodeBlock counts padding as zero bytes; drop them.
  std::size_t pad = 0;
  if (!text.empty() && text.back() == '=') {
    pad = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
  }
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

std::string base64url(std::string_view bytes) {
  std::string s = base64(bytes);
  while (!s.empty() && s.back() == '=') {
    s.pop_back();
  }
  for (auto& c : s) {
    if (c == '+') {
      c = '-';
    } else if (c == '/') {
      c = '_';
    }
  }
  return s;
}

std::string sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out += fmt::format("{:02x}", md[i]);
  }
  return out;
}

std::string uuid4() {
  std::string b = randomBytes(16);
  b[6] = static_cast<char>((static_cast<unsigned char>(b[6]) & 0x0f) | 0x40);
  b[8] = static_cast<char>((static_cast<unsigned char>(b[8]) & 0x3f) | 0x80);
  std::string out;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out += '-';
    }
    out += fmt::format("{:02x}", static_cast<unsigned char>(b[i]));
  }
  return out;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<Cipher> Cipher::derive(std::string_view passphrase, std::string_view salt) {
  if (passphrase.empty()) {
    return Error::invalidRequest("the encryption key is empty");
  }
  Cipher c;
  int rc = argon2id_hash_raw(kTimeCost, kMemoryKiB, kParallelism, passphrase.data(), passphrase.size(), salt.data(),
                             salt.size(), c.key_.data(), c.key_.size());
  if (rc != ARGON2_OK) {
    return Error::internal(fmt::format("deriving the encryption key failed: {}", argon2_error_message(rc)));
  }
  return c;
}

std::string Cipher::seal(std::string_view plaintext) const {
  std::string nonce = randomBytes(kNonceLen);
  std::string out = nonce;
  out.resize(kNonceLen + plaintext.size() + kTagLen);
  CtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out.data() + kNonceLen);
  bool ok = ctx &&
            EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(),
                               reinterpret_cast<const unsigned char*>(nonce.data())) == 1 &&
            EVP_EncryptUpdate(ctx.get(), dst, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                              static_cast<int>(plaintext.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), dst + len, &len) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagLen),
                                out.data() + kNonceLen + plaintext.size()) == 1;
  if (!ok) {
    throw std::runtime_error("AES-256-GCM encryption failed");
  }
  return std::string(kPrefix) + base64(out);
}

Result<std::string> Cipher::open(std::string_view sealed) const {
  auto bad = [] { return Error::invalidRequest("cannot decrypt a stored secret (wrong encryption key?)"); };
  if (!isSealed(sealed)) {
    return bad();
  }
  auto raw = unbase64(sealed.substr(kPrefix.size()));
  if (!raw || raw->size() < kNonceLen + kTagLen) {
    return bad();
  }
  std::size_t ct_len = raw->size() - kNonceLen - kTagLen;
  std::string out(ct_len, '\0');
  CtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  auto* src = reinterpret_cast<unsigned char*>(raw->data());
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), src) == 1 &&
      EVP_DecryptUpdate(ctx.get(), dst, &len, src + kNonceLen, static_cast<int>(ct_len)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagLen), src + kNonceLen + ct_len) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), dst + len, &len) == 1;
  if (!ok) {
    return bad();
  }
  return out;
}

Result<std::string> hashPassword(std::string_view password) {
  std::string salt = randomBytes(16);
  constexpr std::size_t kHashLen = 32;
  std::string encoded(argon2_encodedlen(kTimeCost, kMemoryKiB, kParallelism, static_cast<std::uint32_t>(salt.size()),
                                        kHashLen, Argon2_id),
                      '\0');
  int rc = argon2id_hash_encoded(kTimeCost, kMemoryKiB, kParallelism, password.data(), password.size(), salt.data(),
                                 salt.size(), kHashLen, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    return Error::internal(fmt::format("hashing the admin password failed: {}", argon2_error_message(rc)));
  }
  encoded.resize(std::char_traits<char>::length(encoded.c_str()));
  return encoded;
}

bool verifyPassword(std::string_view encoded, std::string_view password) {
  std::string enc(encoded); // argon2 wants a NUL-terminated string
  return argon2id_verify(enc.c_str(), password.data(), password.size()) == ARGON2_OK;
}

} // namespace hd::secrets
