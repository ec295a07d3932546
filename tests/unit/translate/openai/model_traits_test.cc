#include "translate/openai/model_traits.h"

#include <gtest/gtest.h>

namespace hd::translate::openai {
namespace {

TEST(OpenAIModelTraits, ReasoningModels) {
  for (const char* m : {"o1", "o1-mini", "o3", "o3-mini", "o4-mini", "gpt-5", "gpt-5-mini", "gpt-5.1", "GPT-5-nano",
                        "azure/o3", "openai/gpt-5-codex"}) {
    EXPECT_TRUE(isReasoningModel(m)) << m;
  }
  for (const char* m :
       {"gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-35-turbo", "o30", "claude-sonnet-4-6", "my-deploy", ""}) {
    EXPECT_FALSE(isReasoningModel(m)) << m;
  }
}

TEST(OpenAIModelTraits, DefaultMaxOutputTokens) {
  EXPECT_EQ(defaultMaxOutputTokens("gpt-4o"), 16384);
  EXPECT_EQ(defaultMaxOutputTokens("gpt-4o-mini-2024-07-18"), 16384);
  EXPECT_EQ(defaultMaxOutputTokens("gpt-4.1-mini"), 32768);
  EXPECT_EQ(defaultMaxOutputTokens("gpt-35-turbo"), 4096);
  EXPECT_EQ(defaultMaxOutputTokens("o1-mini"), 65536);
  EXPECT_EQ(defaultMaxOutputTokens("o3"), 100000);
  EXPECT_EQ(defaultMaxOutputTokens("gpt-5"), 128000);
  EXPECT_EQ(defaultMaxOutputTokens("gpt-5-chat-latest"), 16384);
  EXPECT_EQ(defaultMaxOutputTokens("my-deployment"), 0);
}

} // namespace
} // namespace hd::translate::openai
