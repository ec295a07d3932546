// The dashboard's embedded files: the table the build generates, content types, ETag matching, and
// which paths the UI must never answer.
#include <gtest/gtest.h>

#include "web/assets.h"
#include "web/routes.h"

namespace hd::web {
namespace {

TEST(WebAssets, EmbedsTheIndexAndTheAppWithTypesAndETags) {
  const Asset* index = findAsset("index.html");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_NE(index->body.find("/assets/js/app.js"), std::string_view::npos);
  const Asset* app = findAsset("assets/js/app.js");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(app->etag.size(), 34u); // quotes around 32 hex digits
  EXPECT_NE(app->etag, index->etag);
  EXPECT_EQ(findAsset("assets/js/nope.js"), nullptr);
  EXPECT_EQ(findAsset("../index.html"), nullptr);
}

TEST(WebAssets, ContentTypeByExtension) {
  EXPECT_EQ(contentTypeFor("a/b.css"), "text/css; charset=utf-8");
  EXPECT_EQ(contentTypeFor("x.svg"), "image/svg+xml");
  EXPECT_EQ(contentTypeFor("x.json"), "application/json");
  EXPECT_EQ(contentTypeFor("Makefile"), "application/octet-stream");
  EXPECT_EQ(contentTypeFor("js"), "application/octet-stream");
}

TEST(WebAssets, IfNoneMatchLists) {
  EXPECT_TRUE(etagMatches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etagMatches("\"x\", W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etagMatches(" * ", "\"abc\""));
  EXPECT_FALSE(etagMatches("", "\"abc\""));
  EXPECT_FALSE(etagMatches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(etagMatches("abc", "\"abc\""));
  EXPECT_FALSE(etagMatches(",,,", "\"abc\""));
}

TEST(WebRoutes, ReservedPrefixesAreWholeSegments) {
  for (const char* p : {"/api", "/api/logs", "/v1/chat/completions", "/anthropic/v1/messages", "/openai/x", "/mcp",
                        "/mcp/x", "/metrics", "/ws", "/health", "/assets/x.js"}) {
    EXPECT_TRUE(isReservedPath(p)) << p;
  }
  for (const char* p : {"/", "/logs", "/mcp-clients", "/apis", "/governance/virtual-keys", "/v1x"}) {
    EXPECT_FALSE(isReservedPath(p)) << p;
  }
}

} // namespace
} // namespace hd::web
