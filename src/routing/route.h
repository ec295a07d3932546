#pragma once
// Routing: which provider, which key and which deployment serve a requested model.

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/error.h"

namespace hd::routing {

struct ModelRef {
  std::string provider; // empty when the request named no known provider
  std::string model;    // the model with any provider prefix removed
};

// Splits "provider/model" at the first '/' when the prefix is a configured or known provider.
ModelRef parseModel(std::string_view requested, const config::Config& cfg);

// Keys that may serve `model` (enabled, allowed by models, not blacklisted; alias names count as models).
std::vector<const config::Key*> eligibleKeys(const config::Provider& provider, std::string_view model);

// Weighted random choice among eligible keys (uniform when every weight is 0).
const config::Key* pickWeighted(const std::vector<const config::Key*>& keys, std::mt19937_64& rng);

struct Deployment {
  std::string name; // what the upstream is asked for (Azure deployment or model id)
  config::ModelFamily family = config::ModelFamily::Unspecified;
  const config::Alias* alias = nullptr; // the alias that matched, if any
};

// Resolution order: request body `deployment`, then the key's aliases (case-insensitive), then the model
// name itself. The family comes from the alias's model_family, else from the name.
Deployment resolveDeployment(const config::Key& key, std::string_view model, std::string_view requested_deployment);

// Claude-family detection by name: contains "claude" (also "anthropic").
config::ModelFamily familyFromName(std::string_view name);

struct Route {
  const config::Provider* provider = nullptr;
  const config::Key* key = nullptr;
  std::string model; // as requested, without provider prefix
  Deployment deployment;
};

// A requested model's provider and the keys that may serve it (before choosing one).
struct Candidates {
  const config::Provider* provider = nullptr;
  std::string model; // without provider prefix
  std::vector<const config::Key*> keys;
};
Result<Candidates> candidates(const config::Config& cfg, std::string_view requested_model,
                              std::string_view default_provider);

// Full resolution for one attempt. `default_provider` applies when the model names none.
Result<Route> resolve(const config::Config& cfg, std::string_view requested_model, std::string_view default_provider,
                      std::string_view requested_deployment, std::mt19937_64& rng);

} // namespace hd::routing
