#include "auth/jwt_assertion.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <boost/json.hpp>

namespace hd::auth {
namespace {

// A throwaway self-signed RSA certificate and key, PEM.
struct TestCert {
  std::string cert_pem;
  std::string key_pem;
  std::string encrypted_key_pem;
  std::string thumbprint;
  EVP_PKEY* pkey = nullptr;

  TestCert() {
    pkey = EVP_RSA_gen(2048);
    X509* x = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, pkey);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("test"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509_sign(x, pkey, EVP_sha256());
    cert_pem = toPem([&](BIO* b) { PEM_write_bio_X509(b, x); });
    key_pem = toPem([&](BIO* b) { PEM_write_bio_PrivateKey(b, pkey, nullptr, nullptr, 0, nullptr, nullptr); });
    encrypted_key_pem = toPem([&](BIO* b) {
      PEM_write_bio_PKCS8PrivateKey(b, pkey, EVP_aes_256_cbc(), nullptr, 0, nullptr, const_cast<char*>("pw"));
    });
    unsigned char sha1[SHA_DIGEST_LENGTH];
    unsigned int n = 0;
    X509_digest(x, EVP_sha1(), sha1, &n);
    thumbprint = base64Url(std::string_view(reinterpret_cast<const char*>(sha1), n));
    X509_free(x);
  }
  ~TestCert() { EVP_PKEY_free(pkey); }

  template <class F> static std::string toPem(F write) {
    BIO* b = BIO_new(BIO_s_mem());
    write(b);
    char* data = nullptr;
    long len = BIO_get_mem_data(b, &data);
    std::string out(data, static_cast<std::size_t>(len));
    BIO_free(b);
    return out;
  }
};

std::string fromB64Url(std::string s) {
  for (auto& c : s) {
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  std::size_t pad = (4 - s.size() % 4) % 4;
  s.append(pad, '=');
  std::string out(s.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

TEST(Base64Url, Vectors) {
  EXPECT_EQ(base64Url(""), "");
  EXPECT_EQ(base64Url("f"), "Zg");
  EXPECT_EQ(base64Url("fo"), "Zm8");
  EXPECT_EQ(base64Url("foo"), "Zm9v");
  EXPECT_EQ(base64Url("\xfb\xff"), "-_8");
}

TEST(CertificateSigner, SignsAVerifiableRs256Assertion) {
  TestCert tc;
  auto signer = CertificateSigner::load(tc.cert_pem + tc.key_pem, "");
  ASSERT_TRUE(signer.ok()) << signer.error().message;
  EXPECT_EQ((*signer)->thumbprint(), tc.thumbprint);
  auto now = Clock::time_point(std::chrono::seconds(1'800'000'000));
  auto jwt = (*signer)->assertion("client-1", "https://login.example/t/oauth2/v2.0/token", now);
  ASSERT_TRUE(jwt.ok());
  auto d1 = jwt->find('.');
  auto d2 = jwt->find('.', d1 + 1);
  auto header = boost::json::parse(fromB64Url(jwt->substr(0, d1))).as_object();
  auto claims = boost::json::parse(fromB64Url(jwt->substr(d1 + 1, d2 - d1 - 1))).as_object();
  EXPECT_EQ(header.at("alg"), "RS256");
  EXPECT_EQ(header.at("typ"), "JWT");
  EXPECT_EQ(header.at("x5t").as_string(), tc.thumbprint);
  EXPECT_EQ(claims.at("aud"), "https://login.example/t/oauth2/v2.0/token");
  EXPECT_EQ(claims.at("iss"), "client-1");
  EXPECT_EQ(claims.at("sub"), "client-1");
  EXPECT_EQ(claims.at("nbf").as_int64(), 1'800'000'000);
  EXPECT_EQ(claims.at("exp").as_int64(), 1'800'000'600);
  EXPECT_EQ(claims.at("jti").as_string().size(), 36u);

  std::string sig = fromB64Url(jwt->substr(d2 + 1));
  EXPECT_EQ(sig.size(), 256u);
  std::string input = jwt->substr(0, d2);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ASSERT_EQ(EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, tc.pkey), 1);
  EXPECT_EQ(EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()),
            1);
  EVP_MD_CTX_free(ctx);
  // A fresh jti every time.
  EXPECT_NE(*jwt, *(*signer)->assertion("client-1", "https://login.example/t/oauth2/v2.0/token", now));
}

TEST(CertificateSigner, EncryptedKeyNeedsItsPassword) {
  TestCert tc;
  EXPECT_TRUE(CertificateSigner::load(tc.cert_pem + tc.encrypted_key_pem, "pw").ok());
  auto wrong = CertificateSigner::load(tc.cert_pem + tc.encrypted_key_pem, "nope");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("client_certificate_password"), std::string::npos);
}

TEST(CertificateSigner, ClearErrors) {
  TestCert tc;
  TestCert other;
  EXPECT_EQ(CertificateSigner::load(tc.key_pem, "").error().message,
            "client_certificate holds no PEM certificate (BEGIN CERTIFICATE)");
  EXPECT_NE(CertificateSigner::load(tc.cert_pem, "").error().message.find("no readable private key"),
            std::string::npos);
  EXPECT_EQ(CertificateSigner::load(tc.cert_pem + other.key_pem, "").error().message,
            "client_certificate: the private key does not match the certificate");
}

} // namespace
} // namespace hd::auth
