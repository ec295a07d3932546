#include "secrets/crypto.h"

#include <gtest/gtest.h>

#include <regex>

namespace hd::secrets {
namespace {

TEST(Crypto, SealOpenRoundTripAndRandomNonce) {
  auto c = Cipher::derive("passphrase", std::string(16, 's'));
  ASSERT_TRUE(c);
  std::string a = c->seal("sk-secret");
  std::string b = c->seal("sk-secret");
  EXPECT_TRUE(Cipher::isSealed(a));
  EXPECT_NE(a, b); // a fresh nonce per value
  EXPECT_EQ(a.find("sk-secret"), std::string::npos);
  auto opened = c->open(a);
  ASSERT_TRUE(opened);
  EXPECT_EQ(*opened, "sk-secret");
  EXPECT_EQ(*c->open(c->seal("")), "");
}

TEST(Crypto, WrongKeyAndTamperingAreErrorsNotGarbage) {
  auto good = Cipher::derive("right", std::string(16, 's'));
  auto bad = Cipher::derive("wrong", std::string(16, 's'));
  auto other_salt = Cipher::derive("right", std::string(16, 't'));
  std::string sealed = good->seal("value");
  EXPECT_FALSE(bad->open(sealed));
  EXPECT_FALSE(other_salt->open(sealed));
  std::string tampered = sealed;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(good->open(tampered));
  EXPECT_FALSE(good->open("enc:v1:"));
  EXPECT_FALSE(good->open("enc:v1:!!!!"));
  EXPECT_FALSE(good->open("plain"));
  EXPECT_FALSE(Cipher::derive("", "salt-salt-salt-salt"));
}

TEST(Crypto, Base64AndHelpers) {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    auto back = unbase64(base64(s));
    ASSERT_TRUE(back) << s;
    EXPECT_EQ(*back, s);
  }
  EXPECT_FALSE(unbase64("abc"));
  EXPECT_EQ(base64url("\xfb\xff"), "-_8");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(
      std::regex_match(uuid4(), std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  EXPECT_NE(uuid4(), uuid4());
  EXPECT_TRUE(constantTimeEquals("abc", "abc"));
  EXPECT_FALSE(constantTimeEquals("abc", "abd"));
  EXPECT_FALSE(constantTimeEquals("abc", "abcd"));
}

TEST(Crypto, PasswordHashes) {
  auto h = hashPassword("hunter2");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(h->find("hunter2"), std::string::npos);
  EXPECT_TRUE(verifyPassword(*h, "hunter2"));
  EXPECT_FALSE(verifyPassword(*h, "hunter3"));
  EXPECT_FALSE(verifyPassword("not a hash", "hunter2"));
  EXPECT_NE(*h, *hashPassword("hunter2")); // salted
}

} // namespace
} // namespace hd::secrets
