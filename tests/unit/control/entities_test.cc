#include "control/entities.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

namespace hd::control {
namespace {

namespace js = boost::json;

config::Document file(std::string_view text) {
  return config::splitRoot(js::parse(text).as_object());
}

const char* kFile = R"({
  "providers": {
    "azure": {"keys": [{"name": "k1", "value": "v1", "azure_key_config": {"endpoint": "https://x"}}],
              "network_config": {"max_retries": 1}},
    "anthropic": {"keys": [{"name": "a1", "value": "sk"}]}
  },
  "client": {"enable_logging": true},
  "governance": {"virtual_keys": []}
})";

// Stored entities as a fresh reconcile of `doc` would write them.
std::vector<store::Entity> storedFrom(const config::Document& doc) {
  return reconcile(doc, {}).upserts;
}

TEST(Document, SplitAndAssembleRoundTrip) {
  auto d = file(kFile);
  ASSERT_EQ(d.providers.size(), 2u);
  ASSERT_EQ(d.keys.size(), 2u);
  EXPECT_EQ(d.keys[0].id, "azure-k1"); // in file order
  EXPECT_EQ(d.findKeyByName("azure", "k1")->id, "azure-k1");
  EXPECT_EQ(d.keyIndex("azure-k1"), 0);
  EXPECT_TRUE(d.base.contains("governance"));
  auto root = config::assemble(d);
  EXPECT_EQ(root.at("providers").at("azure").at("keys").as_array().size(), 1u);
  EXPECT_EQ(root.at("providers").at("azure").at("network_config").at("max_retries").as_int64(), 1);
  EXPECT_TRUE(root.at("client").at("enable_logging").as_bool());
}

TEST(Reconcile, FirstRunAddsEverything) {
  auto plan = reconcile(file(kFile), {});
  EXPECT_EQ(plan.upserts.size(), 5u); // 2 providers, 2 keys, client
  EXPECT_TRUE(plan.deletes.empty());
  for (const auto& e : plan.upserts) {
    EXPECT_FALSE(e.file_hash.empty());
    EXPECT_FALSE(e.api_edited);
  }
}

TEST(Reconcile, UnchangedFileKeepsApiEdits) {
  auto stored = storedFrom(file(kFile));
  for (auto& e : stored) {
    if (e.kind == "key" && e.id == "azure-k1") {
      e.body = R"({"name":"k1","value":"edited","id":"azure-k1"})";
      e.api_edited = true;
    }
  }
  auto plan = reconcile(file(kFile), stored);
  EXPECT_TRUE(plan.empty());
  ASSERT_EQ(plan.log.size(), 1u);
  EXPECT_NE(plan.log[0].text.find("keeping the version edited through the API"), std::string::npos);
}

TEST(Reconcile, ChangedFileEntryWinsWithAWarningWhenEdited) {
  auto stored = storedFrom(file(kFile));
  for (auto& e : stored) {
    e.api_edited = e.id == "azure-k1";
  }
  std::string changed = kFile;
  changed.replace(changed.find("\"v1\""), 4, "\"v2\"");
  auto plan = reconcile(file(changed), stored);
  ASSERT_EQ(plan.upserts.size(), 1u);
  EXPECT_EQ(plan.upserts[0].id, "azure-k1");
  EXPECT_NE(plan.upserts[0].body.find("v2"), std::string::npos);
  ASSERT_EQ(plan.log.size(), 1u);
  EXPECT_TRUE(plan.log[0].warning);
  EXPECT_NE(plan.log[0].text.find("providers.azure.keys[k1] changed in the file"), std::string::npos);
}

TEST(Reconcile, RemovedFromFileIsDeletedWithItsKeysButApiEntitiesStay) {
  auto stored = storedFrom(file(kFile));
  store::Entity api_key{"key", "uuid-1", "anthropic", R"({"name":"api","value":"x","id":"uuid-1"})", "", true, 0};
  store::Entity api_provider{"provider", "openai", "", "{}", "", true, 0};
  stored.push_back(api_key);
  stored.push_back(api_provider);
  auto plan = reconcile(file(R"({"providers": {"azure": {"keys": [{"name": "k1", "value": "v1",
      "azure_key_config": {"endpoint": "https://x"}}], "network_config": {"max_retries": 1}}},
      "client": {"enable_logging": true}})"),
                        stored);
  std::set<std::string> deleted;
  for (const auto& d : plan.deletes) {
    deleted.insert(d.kind + ":" + d.id);
  }
  EXPECT_EQ(deleted, (std::set<std::string>{"provider:anthropic", "key:anthropic-a1", "key:uuid-1"}));
  EXPECT_TRUE(plan.upserts.empty());
}

TEST(Reconcile, FileKeyMatchesAnApiKeyOfTheSameName) {
  store::Entity provider{"provider", "azure", "", "{}", "", true, 0};
  store::Entity api_key{"key", "uuid-9", "azure", R"({"name":"k1","value":"x","id":"uuid-9"})", "", true, 0};
  auto plan =
      reconcile(file(R"({"providers": {"azure": {"keys": [{"name": "k1", "value": "v1"}]}}})"), {provider, api_key});
  // The file's key replaces the API one (under the file's id), so names stay unique.
  ASSERT_EQ(plan.deletes.size(), 1u);
  EXPECT_EQ(plan.deletes[0].id, "uuid-9");
  bool has_file_key = false;
  for (const auto& u : plan.upserts) {
    has_file_key |= u.id == "azure-k1";
  }
  EXPECT_TRUE(has_file_key);
}

} // namespace
} // namespace hd::control
