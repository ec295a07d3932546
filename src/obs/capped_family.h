#pragma once
// A Prometheus metric family (prometheus-cpp) with bounded cardinality and a lock-light hot path.
//
// Each distinct label set becomes a series until `cap` series exist; later new label sets all go to one
// series whose labels are "__overflow__", and every such update is counted (`overflow`). A worker thread
// remembers the series it has used in a thread-local cache, so the common case takes no shared lock:
// only a label set that thread has not seen yet takes the family's mutex. Updating a counter is atomic
// (prometheus-cpp); a histogram series has its own mutex.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hd::obs {

using LabelPairs = std::vector<std::pair<std::string, std::string>>;

// A label set and its lookup key (names and values joined with separators that cannot appear in names).
struct LabelSet {
  LabelPairs pairs;
  std::string key;

  void add(std::string name, std::string value) {
    key.append(name).push_back('\x1f');
    key.append(value).push_back('\x1e');
    pairs.emplace_back(std::move(name), std::move(value));
  }
  LabelSet with(std::string name, std::string value) const {
    LabelSet s = *this;
    s.add(std::move(name), std::move(value));
    return s;
  }
};

namespace detail {
std::uint64_t nextFamilyId();
// This thread's cache of series pointers for the family `id` (never shared across threads).
std::unordered_map<std::string, void*>& threadCache(std::uint64_t id);
} // namespace detail

template <class T> class CappedFamily {
public:
  CappedFamily(prometheus::Family<T>& family, std::size_t cap, prometheus::Counter& overflow,
               std::vector<double> buckets = {})
      : family_(family), cap_(cap), overflow_(overflow), buckets_(std::move(buckets)), id_(detail::nextFamilyId()) {}

  T& at(const LabelSet& labels) {
    auto& cache = detail::threadCache(id_);
    if (auto it = cache.find(labels.key); it != cache.end()) {
      return *static_cast<T*>(it->second);
    }
    std::lock_guard lk(mu_);
    if (auto it = series_.find(labels.key); it != series_.end()) {
      cache.emplace(labels.key, it->second);
      return *it->second;
    }
    if (series_.size() >= cap_) {
      overflow_.Increment();
      if (overflow_series_ == nullptr) {
        prometheus::Labels l;
        for (const auto& [name, value] : labels.pairs) {
          l.emplace(name, "__overflow__");
        }
        overflow_series_ = &add(l);
      }
      return *overflow_series_;
    }
    prometheus::Labels l(labels.pairs.begin(), labels.pairs.end());
    T* s = &add(l);
    series_.emplace(labels.key, s);
    cache.emplace(labels.key, s);
    return *s;
  }

  std::size_t size() const {
    std::lock_guard lk(mu_);
    return series_.size();
  }

private:
  T& add(const prometheus::Labels& l) {
    if constexpr (std::is_same_v<T, prometheus::Histogram>) {
      return family_.Add(l, buckets_);
    } else {
      return family_.Add(l);
    }
  }

  prometheus::Family<T>& family_;
  std::size_t cap_;
  prometheus::Counter& overflow_;
  std::vector<double> buckets_;
  std::uint64_t id_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, T*> series_;
  T* overflow_series_ = nullptr;
};

} // namespace hd::obs
