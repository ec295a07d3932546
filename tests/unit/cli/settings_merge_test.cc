#include "cli/settings_merge.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "cli/cli_config.h"

namespace hd::cli {
namespace {

namespace js = boost::json;

TEST(SettingsMerge, KeepsOtherSettingsAndEnvAndDropsAnthropicModel) {
  std::string existing =
      R"j({"permissions":{"allow":["Bash(ls)"]},"env":{"MINE":"x","ANTHROPIC_MODEL":"old","ANTHROPIC_BASE_URL":"old"},"model":"opus"})j";
  auto r = mergeClaudeSettings(existing, claudeSettingsEnv("http://gw:8080", "bf-k", "azure/claude-sonnet-4-6"), "f");
  ASSERT_TRUE(r) << r.error().message;
  auto v = js::parse(r.value()).as_object();
  EXPECT_EQ(js::serialize(v["permissions"]), R"j({"allow":["Bash(ls)"]})j");
  EXPECT_EQ(v["model"], "opus");
  auto& env = v["env"].as_object();
  EXPECT_EQ(env["MINE"], "x");
  EXPECT_EQ(env.count("ANTHROPIC_MODEL"), 0u);
  EXPECT_EQ(env["ANTHROPIC_BASE_URL"], "http://gw:8080/anthropic");
  EXPECT_EQ(env["ANTHROPIC_AUTH_TOKEN"], "bf-k");
  EXPECT_EQ(env["ANTHROPIC_DEFAULT_HAIKU_MODEL"], "azure/claude-sonnet-4-6");
  EXPECT_EQ(env["ANTHROPIC_DEFAULT_SONNET_MODEL"], "azure/claude-sonnet-4-6");
  EXPECT_EQ(env["ANTHROPIC_DEFAULT_OPUS_MODEL"], "azure/claude-sonnet-4-6");
  // Key order is the user's: permissions first, the new variables after theirs.
  EXPECT_LT(r.value().find("permissions"), r.value().find("\"env\""));
  EXPECT_LT(r.value().find("MINE"), r.value().find("ANTHROPIC_AUTH_TOKEN"));
}

TEST(SettingsMerge, EmptyOrMissingFileGetsJustTheEnvBlock) {
  for (std::string_view existing : {"", "  \n"}) {
    auto r = mergeClaudeSettings(existing, claudeSettingsEnv("http://gw", "", "m"), "f");
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value(),
              "{\n  \"env\": {\n    \"ANTHROPIC_BASE_URL\": \"http://gw/anthropic\",\n"
              "    \"ANTHROPIC_DEFAULT_HAIKU_MODEL\": \"m\",\n    \"ANTHROPIC_DEFAULT_SONNET_MODEL\": \"m\",\n"
              "    \"ANTHROPIC_DEFAULT_OPUS_MODEL\": \"m\"\n  }\n}\n");
  }
}

TEST(SettingsMerge, RefusesFilesItCannotMergeAndNamesThem) {
  auto env = claudeSettingsEnv("http://gw", "k", "m");
  auto a = mergeClaudeSettings("{not json", env, "/home/u/.claude/settings.json");
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().message.find("/home/u/.claude/settings.json: not valid JSON"), std::string::npos);
  auto b = mergeClaudeSettings("[1]", env, "s.json");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().message, "s.json: expected a JSON object; left unchanged");
  auto c = mergeClaudeSettings(R"({"env":"x"})", env, "s.json");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message, "s.json: env: expected an object; left unchanged");
}

TEST(SettingsMerge, PrettyPrinterRoundTrips) {
  auto v = js::parse(R"({"a":[1,{"b":null,"c":[]}],"d":{},"e":"q\"uote","f":1.5,"g":true})");
  auto text = prettyJson(v);
  EXPECT_EQ(js::parse(text), v);
  EXPECT_EQ(text.substr(0, 15), "{\n  \"a\": [\n    ");
}

TEST(CliConfig, ParsesRendersAndNamesBadFields) {
  auto c = parseCliConfig(R"({"base_url":"http://h","harness":"codex","model":"m","future":1})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->base_url, "http://h");
  EXPECT_EQ(c->harness, "codex");
  EXPECT_EQ(c->model, "m");
  auto back = parseCliConfig(renderCliConfig(c.value()));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->model, "m");
  auto bad = parseCliConfig(R"({"model":5})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "cli.json: model: expected a string");
  EXPECT_FALSE(parseCliConfig("[]"));
  EXPECT_FALSE(parseCliConfig("{"));
}

} // namespace
} // namespace hd::cli
