#pragma once
// Metrics read at scrape time from state owned elsewhere: the reliability layer's counters, provider
// queues and circuit breakers (pipeline/stats.h), and counters registered by other components.

#include <prometheus/metric_family.h>

#include <functional>
#include <string>
#include <vector>

namespace hd::obs {

struct CallbackCounter {
  std::string name;
  std::string help;
  std::function<double()> read;
};

void appendReliabilityMetrics(std::vector<prometheus::MetricFamily>& out);
void appendCallbackCounters(std::vector<prometheus::MetricFamily>& out, const std::vector<CallbackCounter>& counters);

} // namespace hd::obs
