#include "cli/harness.h"

#include <gtest/gtest.h>

#include <map>

namespace hd::cli {
namespace {

std::map<std::string, std::string> envOf(const LaunchSpec& s) {
  return {s.env.begin(), s.env.end()};
}

TEST(Harness, ClaudeCodeGetsTheAnthropicWiringAndModelPins) {
  Choice c{"http://gw:8080", "bf-key", HarnessId::ClaudeCode, "azure/claude-sonnet-4-6", {"-p", "task"}};
  auto s = buildLaunch(c, "/cfg");
  EXPECT_EQ(s.argv, (std::vector<std::string>{"claude", "--model", "azure/claude-sonnet-4-6", "-p", "task"}));
  auto env = envOf(s);
  EXPECT_EQ(env["ANTHROPIC_BASE_URL"], "http://gw:8080/anthropic");
  EXPECT_EQ(env["ANTHROPIC_AUTH_TOKEN"], "bf-key");
  for (const char* k :
       {"ANTHROPIC_DEFAULT_SONNET_MODEL", "ANTHROPIC_DEFAULT_OPUS_MODEL", "ANTHROPIC_DEFAULT_HAIKU_MODEL"}) {
    EXPECT_EQ(env[k], "azure/claude-sonnet-4-6") << k;
  }
  EXPECT_EQ(env.count("ANTHROPIC_API_KEY"), 0u) << "would make Claude Code ask about a custom API key";
  EXPECT_EQ(env.count("ANTHROPIC_MODEL"), 0u);
  EXPECT_FALSE(s.file);
}

TEST(Harness, WithoutAKeyAgentsGetAPlaceholderToken) {
  Choice c{"http://gw", "", HarnessId::Codex, "azure/gpt-4o", {}};
  auto env = envOf(buildLaunch(c, "/cfg"));
  EXPECT_EQ(env["OPENAI_API_KEY"], std::string(kNoKeyPlaceholder));
  EXPECT_EQ(env["OPENAI_BASE_URL"], "http://gw/v1");
  EXPECT_EQ(env["OPENAI_MODEL"], "azure/gpt-4o");
}

TEST(Harness, GeminiAndOpencode) {
  auto g = buildLaunch({"http://gw", "k", HarnessId::Gemini, "m", {}}, "/cfg");
  EXPECT_EQ(envOf(g)["GOOGLE_GEMINI_BASE_URL"], "http://gw/genai");
  EXPECT_EQ(envOf(g)["GEMINI_API_KEY"], "k");
  EXPECT_EQ(g.argv, (std::vector<std::string>{"gemini", "--model", "m"}));

  auto o = buildLaunch({"http://gw", "secret-key", HarnessId::Opencode, "azure/gpt-4o", {}}, "/cfg");
  ASSERT_TRUE(o.file);
  EXPECT_EQ(o.file->path, "/cfg/opencode.json");
  EXPECT_EQ(envOf(o)["OPENCODE_CONFIG"], "/cfg/opencode.json");
  EXPECT_EQ(envOf(o)["OPENAI_API_KEY"], "secret-key");
  EXPECT_EQ(o.file->content.find("secret-key"), std::string::npos);
  EXPECT_NE(o.file->content.find("\"model\": \"heimdall/azure/gpt-4o\""), std::string::npos) << o.file->content;
  EXPECT_NE(o.file->content.find("{env:OPENAI_API_KEY}"), std::string::npos);
}

TEST(Harness, FindsByFlagValueAndAliases) {
  EXPECT_EQ(findHarness("claude")->id, HarnessId::ClaudeCode);
  EXPECT_EQ(findHarness("claude-code")->id, HarnessId::ClaudeCode);
  EXPECT_EQ(findHarness("gemini-cli")->id, HarnessId::Gemini);
  EXPECT_EQ(findHarness("opencode")->id, HarnessId::Opencode);
  EXPECT_EQ(findHarness("vim"), nullptr);
  EXPECT_EQ(findHarness(""), nullptr);
}

TEST(Harness, BaseUrls) {
  EXPECT_EQ(normalizeBaseUrl(" http://h:1/// "), "http://h:1");
  EXPECT_EQ(normalizeBaseUrl("https://h/prefix/"), "https://h/prefix");
  EXPECT_FALSE(baseUrlProblem("http://localhost:8080"));
  EXPECT_FALSE(baseUrlProblem("https://gw.example/heimdall"));
  EXPECT_TRUE(baseUrlProblem("localhost:8080"));
  EXPECT_TRUE(baseUrlProblem("ftp://x"));
  EXPECT_TRUE(baseUrlProblem("http://"));
  EXPECT_TRUE(baseUrlProblem("http://h/a b"));
  EXPECT_TRUE(baseUrlProblem("http://h/?q=1"));
}

TEST(Harness, ShellQuoting) {
  EXPECT_EQ(shellQuote("plain"), "'plain'");
  EXPECT_EQ(shellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(shellQuote("$HOME `x` \"y\""), "'$HOME `x` \"y\"'");
  LaunchSpec s{{"claude", "--model", "m"}, {{"A", "1"}}, std::nullopt};
  EXPECT_EQ(renderShellEnv(s), "export A='1'\n# command: 'claude' '--model' 'm'\n");
}

} // namespace
} // namespace hd::cli
