#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tokenize/tokenize.h"

namespace hd::tokenize {
namespace {

// The cookbook examples' counts (124 / 129 messages, 101 / 105 with the weather tool) are the API's
// usage.prompt_tokens as published in OpenAI's "How to count tokens with tiktoken" (gpt-4o / gpt-4). The "custom"
// counts were obtained by running the cookbook's formulas in Node with the pinned npm package's encoder (tiktoken
// 1.0.22) for the token counts of each string.
class ChatCountTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (!hasVocabulary(Encoding::O200k) || !hasVocabulary(Encoding::Cl100k)) {
      GTEST_SKIP() << "built without tokenizer data";
    }
  }
};

ChatMessage message(std::string role, std::string content, std::optional<std::string> name = std::nullopt) {
  return ChatMessage{std::move(role), std::move(name), {std::move(content)}};
}

ChatCountInput cookbookMessages() {
  ChatCountInput input;
  input.messages = {
      message("system",
              "You are a helpful, pattern-following assistant that translates corporate jargon into plain English."),
      message("system", "New synergies will help drive top-line growth.", "example_user"),
      message("system", "Things working well together will increase revenue.", "example_assistant"),
      message("system",
              "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
              "example_user"),
      message("system", "Let's talk later when we're less busy about how to do better.", "example_assistant"),
      message("user", "This late pivot means we don't have time to boil the ocean for the client deliverable."),
  };
  return input;
}

ChatCountInput weatherExample() {
  ChatCountInput input;
  input.messages = {
      message("system", "You are a helpful assistant that can answer to questions about the weather."),
      message("user", "What's the weather like in San Francisco?"),
  };
  input.tools.push_back(ChatTool{"get_current_weather", "Get the current weather in a given location",
                                 boost::json::parse(R"({"type": "object", "properties": {
    "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
    "unit": {"type": "string", "description": "The unit of temperature to return", "enum": ["celsius", "fahrenheit"]}
  }, "required": ["location"]})")});
  return input;
}

ChatCountInput customExample(bool withTools) {
  ChatCountInput input;
  input.messages = {
      message("developer", "Réponds en français. 🇫🇷"),
      ChatMessage{"user", std::nullopt, {"Part one. ", "Part two."}},
      message("assistant", ""),
  };
  if (withTools) {
    input.tools.push_back(
        ChatTool{"list_files", "List files.", boost::json::parse(R"({"type": "object", "properties": {}})")});
    input.tools.push_back(
        ChatTool{"set_level", "Set the level", boost::json::parse(R"({"type": "object", "properties": {
      "level": {"type": "integer", "enum": [1, 2, 3]},
      "mode": {"type": ["string", "null"], "description": "Mode."}}})")});
  }
  return input;
}

TEST_F(ChatCountTest, CookbookMessages) {
  EXPECT_EQ(countChatTokens(Encoding::O200k, cookbookMessages()), 124u);
  EXPECT_EQ(countChatTokens(Encoding::Cl100k, cookbookMessages()), 129u);
}

TEST_F(ChatCountTest, CookbookTools) {
  EXPECT_EQ(countChatTokens(Encoding::O200k, weatherExample()), 101u);
  EXPECT_EQ(countChatTokens(Encoding::Cl100k, weatherExample()), 105u);
}

TEST_F(ChatCountTest, EmptyConversationIsTheReplyPriming) {
  EXPECT_EQ(countChatTokens(Encoding::O200k, {}), 3u);
  EXPECT_EQ(countChatTokens(Encoding::Cl100k, {}), 3u);
}

TEST_F(ChatCountTest, PiecesNamesAndOddSchemas) {
  EXPECT_EQ(countChatTokens(Encoding::O200k, customExample(false)), 31u);
  EXPECT_EQ(countChatTokens(Encoding::Cl100k, customExample(false)), 33u);
  EXPECT_EQ(countChatTokens(Encoding::O200k, customExample(true)), 96u);
  EXPECT_EQ(countChatTokens(Encoding::Cl100k, customExample(true)), 104u);
}

TEST_F(ChatCountTest, ToolWithoutSchemaCountsNameAndDescription) {
  ChatCountInput input;
  input.tools.push_back(ChatTool{"ping", "", nullptr});
  // 3 (priming) + 7 (function start) + tokens("ping:") + 12 (end of functions).
  EXPECT_EQ(countChatTokens(Encoding::O200k, input), 3u + 7u + countTokens(Encoding::O200k, "ping:") + 12u);
}

} // namespace
} // namespace hd::tokenize
