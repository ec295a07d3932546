#pragma once
// Names the calling thread (shown by top -H, ps -L, perf and gdb): "hd-worker-0", "hd-log-writer", ...
// Linux keeps at most 15 characters; longer names are cut.

#include <pthread.h>

#include <string>

namespace hd {

inline void nameThisThread(std::string name) {
  if (name.size() > 15) {
    name.resize(15);
  }
  pthread_setname_np(pthread_self(), name.c_str());
}

} // namespace hd
