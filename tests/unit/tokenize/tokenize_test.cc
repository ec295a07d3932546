#include "tokenize/tokenize.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>

#include "tokenize/bpe.h"
#include "tokenize/pretokenize.h"

namespace hd::tokenize {
namespace {

// Expected counts were obtained at test-writing time by running the pinned npm package's own encoder (tiktoken
// 1.0.22, the WASM build of OpenAI's Rust tiktoken) in Node:
//   get_encoding("o200k_base").encode(text, [], []).length   (and the same for cl100k_base)
// with special tokens treated as text. A random differential run of 100k+ short strings built from tricky characters
// (U+0085, U+FEFF, U+00A0, U+017F, combining marks, CJK, emoji) plus long runs agreed exactly.
struct Case {
  const char* name;
  std::string text;
  std::size_t o200k;
  std::size_t cl100k;
};

std::vector<Case> cases() {
  return {
      {"empty", "", 0, 0},
      {"hello", "hello world", 2, 2},
      {"cookbook", "tiktoken is great!", 6, 6}, // cookbook: 6 tokens with cl100k_base
      {"birthday", "お誕生日おめでとう", 8, 9}, // cookbook: 8 (o200k_base), 9 (cl100k_base)
      {"european", "Straße, naïve café — «Привет, мир!» Ελληνικά", 15, 25},
      {"arabic", "مرحبا بالعالم", 4, 10},
      {"hindi", "नमस्ते दुनिया", 5, 13},
      {"emoji", "I ❤️ 🦀 and 👨‍👩‍👧‍👦 🇯🇵!", 22, 31},
      {"spaces100", "a" + std::string(100, ' ') + "b", 4, 4},
      {"mixedWhitespace", "\n\n\n   \t\t  x  \r\n", 5, 5},
      {"spaces1000", std::string(1000, ' '), 9, 9},
      {"numbers", "1234567890 3.14159 2024-05-13", 16, 16},
      {"contractions", "I'm, you're, HE'LL, they'VE, it's, we'd", 15, 19},
      {"specialTokenText", "<|endoftext|> <|im_start|>", 13, 12},
      {"nextLine", "x\u0085\u0085y", 6, 6},
      {"longRun", std::string(10000, 'a'), 1250, 1250},
      {"cpp",
       "int main(int argc, char** argv) {\n  std::vector<int> v{1, 2, 3};\n  for (auto& x : v) x *= 2;\n"
       "  return v.size() > 2 ? 0 : 1;\n}\n",
       56, 56},
      {"python",
       "def fib(n: int) -> int:\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n    a, b = 0, 1\n"
       "    for _ in range(n):\n        a, b = b, a + b\n    return a\n",
       51, 51},
      {"json", R"({"name": "get_weather", "arguments": {"city": "San Francisco", "unit": "celsius"}})", 24, 24},
  };
}

class TokenizeTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (!hasVocabulary(Encoding::O200k) || !hasVocabulary(Encoding::Cl100k)) {
      GTEST_SKIP() << "built without tokenizer data (npm ci --ignore-scripts --prefix tools/tokenizer-data)";
    }
  }
};

TEST_F(TokenizeTest, CountsMatchTiktoken) {
  for (const Case& c : cases()) {
    EXPECT_EQ(countTokens(Encoding::O200k, c.text), c.o200k) << c.name;
    EXPECT_EQ(countTokens(Encoding::Cl100k, c.text), c.cl100k) << c.name;
  }
  std::string cjk;
  for (int i = 0; i < 1000; ++i) {
    cjk += "日本";
  }
  EXPECT_EQ(countTokens(Encoding::O200k, cjk), 1000u);
  EXPECT_EQ(countTokens(Encoding::Cl100k, cjk), 2000u);
}

TEST_F(TokenizeTest, ConcurrentCallersAgree) {
  const std::vector<Case> all = cases();
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (std::size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (const Case& c : all) {
          Encoding e = (round + t) % 2 == 0 ? Encoding::O200k : Encoding::Cl100k;
          failures[t] += countTokens(e, c.text) != (e == Encoding::O200k ? c.o200k : c.cl100k);
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

TEST_F(TokenizeTest, VocabularyRanks) {
  auto o200k = detail::Vocabulary::fromBlob(detail::embeddedBlob(), Encoding::O200k);
  auto cl100k = detail::Vocabulary::fromBlob(detail::embeddedBlob(), Encoding::Cl100k);
  ASSERT_TRUE(o200k);
  ASSERT_TRUE(cl100k);
  EXPECT_EQ(o200k->size(), 199998u);
  EXPECT_EQ(cl100k->size(), 100256u);
  // tiktoken: o200k encode("hello") == [24912], encode(" world") == [2375]; cl100k encode("hello") == [15339],
  // encode("!") == [0].
  EXPECT_EQ(o200k->rank("hello"), 24912u);
  EXPECT_EQ(o200k->rank(" world"), 2375u);
  EXPECT_EQ(cl100k->rank("hello"), 15339u);
  EXPECT_EQ(cl100k->rank("!"), 0u);
  EXPECT_EQ(o200k->rank("definitely not one token"), detail::kNoRank);
  EXPECT_EQ(o200k->token(24912), "hello");
}

TEST_F(TokenizeTest, SplitsWithRustWhitespaceSemantics) {
  // U+0085 (NEXT LINE) is White_Space for tiktoken's \s but not for PCRE2's; "\s+(?!\S)" must stop before the last
  // whitespace character so it can join the following letter.
  auto pieces = detail::splitPieces(Encoding::O200k, "x\u0085\u0085y");
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[0], "x");
  EXPECT_EQ(pieces[1], "\u0085");
  EXPECT_EQ(pieces[2], "\u0085y");

  pieces = detail::splitPieces(Encoding::Cl100k, "Hello  world's 12345!!\n\n");
  std::vector<std::string_view> expected = {"Hello", " ", " world", "'s", " ", "123", "45", "!!\n\n"};
  EXPECT_EQ(pieces, expected);
}

TEST(TokenizePattern, RewritesWhitespaceClasses) {
  const std::string ws =
      R"(\t\n\x{0B}\f\r\x{20}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000})";
  // \s outside a class, \S in a lookahead, \s inside a (negated) class, an escaped backslash before 's', and a
  // leading ']' that is a class member.
  EXPECT_EQ(detail::toPcre2Pattern(R"(\s+(?!\S)|[^\s\p{L}]|\\s|[]\s])"),
            "[" + ws + "]+(?![^" + ws + "])|[^" + ws + R"(\p{L}]|\\s|[])" + ws + "]");
}

TEST_F(TokenizeTest, InvalidUtf8IsCountedNotRejected) {
  EXPECT_EQ(countTokens(Encoding::O200k, "\xff"), 1u);
  EXPECT_EQ(countTokens(Encoding::O200k, std::string_view("\0", 1)), 1u);
  EXPECT_EQ(countTokens(Encoding::O200k, "abc\xff"
                                         "def"),
            3u);
  // Every byte is visited exactly once, whatever the input.
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(rng() % 64, '\0');
    for (char& b : bytes) {
      b = static_cast<char>(rng());
    }
    std::size_t covered = 0;
    for (std::string_view piece : detail::splitPieces(Encoding::O200k, bytes)) {
      ASSERT_EQ(piece.data(), bytes.data() + covered);
      covered += piece.size();
    }
    EXPECT_EQ(covered, bytes.size());
    std::size_t n = countTokens(Encoding::Cl100k, bytes);
    EXPECT_LE(n, bytes.size());
    EXPECT_EQ(n == 0, bytes.empty());
  }
}

TEST_F(TokenizeTest, ScanAndHeapMergesAgree) {
  auto vocab = detail::Vocabulary::fromBlob(detail::embeddedBlob(), Encoding::O200k);
  ASSERT_TRUE(vocab);
  std::mt19937 rng(42);
  const std::vector<std::string> alphabet = {"a", "b", "e", "r", "th", " ", "  ", "\n", "ing", "é", "日", "😀", "\xff"};
  for (int i = 0; i < 3000; ++i) {
    std::string piece;
    std::size_t parts = 1 + rng() % 60;
    for (std::size_t p = 0; p < parts; ++p) {
      piece += alphabet[rng() % alphabet.size()];
    }
    ASSERT_EQ(detail::mergeByScan(*vocab, piece), detail::mergeByHeap(*vocab, piece)) << piece;
  }
}

TEST(TokenizeModels, EncodingForModel) {
  for (std::string_view model : {"gpt-4o", "gpt-4o-mini-2024-07-18", "gpt-4.1-nano", "gpt-5", "gpt-5-mini", "o1",
                                 "o3-mini", "o4-mini-2025-04-16", "chatgpt-4o-latest", "openai/gpt-4o", "azure/GPT-4.1",
                                 "ft:gpt-4o-mini-2024-07-18:org::abc", "gpt-oss-120b", "codex-mini-latest"}) {
    EXPECT_EQ(encodingForModel(model), Encoding::O200k) << model;
  }
  for (std::string_view model : {"gpt-4", "gpt-4-0613", "gpt-4-turbo", "gpt-3.5-turbo", "gpt-35-turbo",
                                 "text-embedding-3-small", "openai/gpt-4-32k"}) {
    EXPECT_EQ(encodingForModel(model), Encoding::Cl100k) << model;
  }
  for (std::string_view model : {"", "claude-sonnet-4-5", "gemini-2.5-pro", "o", "oss", "omni-1", "llama3"}) {
    EXPECT_EQ(encodingForModel(model), std::nullopt) << model;
  }
  EXPECT_EQ(encodingName(Encoding::O200k), "o200k_base");
  EXPECT_EQ(encodingName(Encoding::Cl100k), "cl100k_base");
}

TEST(TokenizeBlob, RejectsMalformedBlobs) {
  const unsigned char junk[] = {'H', 'D', 'B', 'P', 'E', '0', '0', '2', 0, 0, 0, 0};
  EXPECT_FALSE(detail::Vocabulary::fromBlob(junk, Encoding::O200k));
  const unsigned char truncated[] = {'H', 'D', 'B', 'P', 'E', '0', '0', '1', 1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0};
  EXPECT_FALSE(detail::Vocabulary::fromBlob(truncated, Encoding::O200k));
  EXPECT_FALSE(detail::Vocabulary::fromBlob({}, Encoding::Cl100k));
  // A well-formed section that lacks most single-byte tokens is refused: the merge needs all 256.
  std::vector<unsigned char> blob = {'H', 'D', 'B', 'P', 'E', '0', '0', '1', 1, 0, 0, 0};
  for (unsigned char b : {0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0}) {
    blob.push_back(b);
  }
  blob.insert(blob.end(), {'x', 1, 'a', 0, 0, 0}); // pattern "x", one token "a", padding
  EXPECT_FALSE(detail::Vocabulary::fromBlob(blob, Encoding::O200k));
}

} // namespace
} // namespace hd::tokenize
