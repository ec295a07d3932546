#include "routing/route.h"

#include <fmt/format.h>

#include "config/loader.h"

namespace hd::routing {

using config::toLower;

ModelRef parseModel(std::string_view requested, const config::Config& cfg) {
  auto slash = requested.find('/');
  if (slash != std::string_view::npos && slash > 0) {
    std::string_view prefix = requested.substr(0, slash);
    if (cfg.findProvider(prefix) != nullptr || config::isKnownProviderName(prefix)) {
      return {std::string(prefix), std::string(requested.substr(slash + 1))};
    }
  }
  return {"", std::string(requested)};
}

std::vector<const config::Key*> eligibleKeys(const config::Provider& provider, std::string_view model) {
  std::string lower = toLower(model);
  std::vector<const config::Key*> out;
  for (const auto& k : provider.keys) {
    if (!k.enabled) {
      continue;
    }
    const config::Alias* alias = k.findAlias(lower);
    if (k.blacklisted_models.allows(lower) ||
        (alias != nullptr && k.blacklisted_models.allows(toLower(alias->model_id)))) {
      continue;
    }
    if (k.models.allows(lower) || (alias != nullptr && !k.models.empty())) {
      out.push_back(&k);
    }
  }
  return out;
}

const config::Key* pickWeighted(const std::vector<const config::Key*>& keys, std::mt19937_64& rng) {
  if (keys.empty()) {
    return nullptr;
  }
  if (keys.size() == 1) {
    return keys.front();
  }
  double total = 0;
  for (const auto* k : keys) {
    total += k->weight;
  }
  if (total <= 0) {
    std::uniform_int_distribution<std::size_t> pick(0, keys.size() - 1);
    return keys[pick(rng)];
  }
  std::uniform_real_distribution<double> dist(0.0, total);
  double r = dist(rng);
  for (const auto* k : keys) {
    if (r < k->weight) {
      return k;
    }
    r -= k->weight;
  }
  // Rounding at the top end: the last key with weight.
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
    if ((*it)->weight > 0) {
      return *it;
    }
  }
  return keys.back();
}

config::ModelFamily familyFromName(std::string_view name) {
  std::string l = toLower(name);
  if (l.find("claude") != std::string::npos || l.find("anthropic") != std::string::npos) {
    return config::ModelFamily::Claude;
  }
  return config::ModelFamily::OpenAI;
}

Deployment resolveDeployment(const config::Key& key, std::string_view model, std::string_view requested_deployment) {
  Deployment d;
  d.alias = key.findAlias(toLower(model));
  if (!requested_deployment.empty()) {
    d.name = std::string(requested_deployment);
  } else if (d.alias != nullptr) {
    d.name = d.alias->model_id;
  } else {
    d.name = std::string(model);
  }
  if (d.alias != nullptr && d.alias->family != config::ModelFamily::Unspecified) {
    d.family = d.alias->family;
  } else {
    // A Claude model name requested through an alias keeps its family even when the deployment name
    // does not say "claude" (e.g. "prod-sonnet").
    d.family =
        familyFromName(d.name) == config::ModelFamily::Claude ? config::ModelFamily::Claude : familyFromName(model);
  }
  return d;
}

Result<Candidates> candidates(const config::Config& cfg, std::string_view requested_model,
                              std::string_view default_provider) {
  if (requested_model.empty()) {
    return Error::invalidRequest("model: field is required");
  }
  ModelRef ref = parseModel(requested_model, cfg);
  std::string provider_name = ref.provider.empty() ? std::string(default_provider) : ref.provider;
  if (ref.model.empty()) {
    return Error::invalidRequest(fmt::format("model: \"{}\" names a provider but no model", requested_model));
  }
  const config::Provider* provider = cfg.findProvider(provider_name);
  if (provider == nullptr) {
    std::string hint;
    if (ref.provider.empty() && !cfg.providers.empty()) {
      hint = fmt::format(" (prefix the model with a configured provider, e.g. \"{}/{}\")", cfg.providers.begin()->first,
                         ref.model);
    }
    return Error::notFound(
        fmt::format("model: provider \"{}\" is not configured on this gateway{}", provider_name, hint));
  }
  auto keys = eligibleKeys(*provider, ref.model);
  if (keys.empty()) {
    return Error::notFound(
        fmt::format("model: no enabled key of provider \"{}\" serves model \"{}\"", provider->name, ref.model));
  }
  return Candidates{provider, ref.model, std::move(keys)};
}

Result<Route> resolve(const config::Config& cfg, std::string_view requested_model, std::string_view default_provider,
                      std::string_view requested_deployment, std::mt19937_64& rng) {
  auto c = candidates(cfg, requested_model, default_provider);
  if (!c) {
    return c.error();
  }
  Route route;
  route.provider = c->provider;
  route.key = pickWeighted(c->keys, rng);
  route.model = c->model;
  route.deployment = resolveDeployment(*route.key, c->model, requested_deployment);
  return route;
}

} // namespace hd::routing
