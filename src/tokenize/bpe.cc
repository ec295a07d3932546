#include "tokenize/bpe.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <queue>

namespace hd::tokenize::detail {
namespace {

__extension__ using U128 = unsigned __int128;

std::uint64_t foldMultiply(std::uint64_t a, std::uint64_t b) {
  U128 product = static_cast<U128>(a) * b;
  return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
}

std::uint64_t load64(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// A multiply-fold hash for short byte strings (tokens are at most a few hundred bytes).
std::uint64_t hashBytes(std::string_view bytes) {
  constexpr std::uint64_t kA = 0x9e3779b97f4a7c15ull;
  constexpr std::uint64_t kB = 0xd6e8feb86659fd93ull;
  constexpr std::uint64_t kC = 0xa0761d6478bd642full;
  const char* p = bytes.data();
  std::size_t n = bytes.size();
  std::uint64_t h = kA ^ (n * kC);
  while (n >= 8) {
    h = foldMultiply(h ^ load64(p), kB);
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    std::uint64_t tail = 0;
    std::memcpy(&tail, p, n);
    h = foldMultiply(h ^ tail ^ (static_cast<std::uint64_t>(n) << 59), kC);
  }
  return foldMultiply(h, kA);
}

std::uint32_t readU32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

constexpr std::string_view kMagic = "HDBPE001";

} // namespace

std::unique_ptr<Vocabulary> Vocabulary::fromBlob(std::span<const unsigned char> blob, Encoding encoding) {
  if (blob.size() < kMagic.size() + 4 || std::memcmp(blob.data(), kMagic.data(), kMagic.size()) != 0) {
    return nullptr;
  }
  std::size_t pos = kMagic.size();
  std::uint32_t sections = readU32(blob.data() + pos);
  pos += 4;
  for (std::uint32_t s = 0; s < sections; ++s) {
    if (blob.size() - pos < 16) {
      return nullptr;
    }
    std::uint32_t id = readU32(blob.data() + pos);
    std::uint64_t count = readU32(blob.data() + pos + 4);
    std::uint64_t patternBytes = readU32(blob.data() + pos + 8);
    std::uint64_t tokenBytes = readU32(blob.data() + pos + 12);
    pos += 16;
    std::uint64_t body = patternBytes + count + tokenBytes;
    if (blob.size() - pos < body) {
      return nullptr;
    }
    std::size_t next = pos + body;
    next += (4 - next % 4) % 4;
    if (id != static_cast<std::uint32_t>(encoding)) {
      pos = next;
      continue;
    }
    if (count == 0) {
      return nullptr;
    }
    const char* base = reinterpret_cast<const char*>(blob.data());
    auto vocab = std::make_unique<Vocabulary>();
    vocab->pattern_ = std::string_view(base + pos, patternBytes);
    const unsigned char* lengths = blob.data() + pos + patternBytes;
    vocab->tokens_ = base + pos + patternBytes + count;
    vocab->offsets_.resize(count + 1);
    std::uint64_t offset = 0;
    for (std::uint64_t r = 0; r < count; ++r) {
      vocab->offsets_[r] = static_cast<std::uint32_t>(offset);
      offset += lengths[r];
    }
    if (offset != tokenBytes) {
      return nullptr;
    }
    vocab->offsets_[count] = static_cast<std::uint32_t>(offset);

    std::size_t capacity = 1024;
    while (capacity < count * 2 + count / 2) {
      capacity *= 2;
    }
    vocab->slots_.assign(capacity, Slot{});
    vocab->mask_ = capacity - 1;
    for (std::uint32_t r = 0; r < count; ++r) {
      std::string_view bytes = vocab->token(r);
      if (bytes.empty()) {
        return nullptr;
      }
      std::uint64_t h = hashBytes(bytes);
      std::size_t i = h & vocab->mask_;
      while (vocab->slots_[i].rank != kNoRank) {
        i = (i + 1) & vocab->mask_;
      }
      vocab->slots_[i] = Slot{r, static_cast<std::uint32_t>(h >> 32)};
    }
    for (int b = 0; b < 256; ++b) {
      char c = static_cast<char>(b);
      if (vocab->rank(std::string_view(&c, 1)) == kNoRank) {
        return nullptr;
      }
    }
    return vocab;
  }
  return nullptr;
}

std::uint32_t Vocabulary::rank(std::string_view bytes) const {
  std::uint64_t h = hashBytes(bytes);
  auto tag = static_cast<std::uint32_t>(h >> 32);
  for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
    const Slot& slot = slots_[i];
    if (slot.rank == kNoRank) {
      return kNoRank;
    }
    if (slot.tag == tag) {
      std::uint32_t begin = offsets_[slot.rank];
      std::uint32_t end = offsets_[slot.rank + 1];
      if (end - begin == bytes.size() && std::memcmp(tokens_ + begin, bytes.data(), bytes.size()) == 0) {
        return slot.rank;
      }
    }
  }
}

// Parts are kept as their start offsets; pairRank[i] is the rank of parts i and i+1 joined. Each step joins the pair
// with the lowest rank (the leftmost on ties), as tiktoken does, until no adjacent pair is a token.
std::size_t mergeByScan(const Vocabulary& vocabulary, std::string_view piece) {
  std::size_t n = piece.size();
  if (n <= 1) {
    return n;
  }
  std::vector<std::uint32_t> heapStarts;
  std::vector<std::uint32_t> heapRanks;
  std::array<std::uint32_t, kScanMergeLimit + 1> stackStarts;
  std::array<std::uint32_t, kScanMergeLimit> stackRanks;
  std::uint32_t* starts = stackStarts.data();
  std::uint32_t* pairRank = stackRanks.data();
  if (n > kScanMergeLimit) {
    heapStarts.resize(n + 1);
    heapRanks.resize(n);
    starts = heapStarts.data();
    pairRank = heapRanks.data();
  }
  for (std::size_t i = 0; i <= n; ++i) {
    starts[i] = static_cast<std::uint32_t>(i);
  }
  auto rankOf = [&](std::size_t from, std::size_t to) { return vocabulary.rank(piece.substr(from, to - from)); };
  std::size_t parts = n;
  for (std::size_t i = 0; i + 1 < parts; ++i) {
    pairRank[i] = rankOf(starts[i], starts[i + 2]);
  }
  while (parts > 1) {
    std::size_t best = 0;
    std::uint32_t bestRank = pairRank[0];
    for (std::size_t i = 1; i + 1 < parts; ++i) {
      if (pairRank[i] < bestRank) {
        bestRank = pairRank[i];
        best = i;
      }
    }
    if (bestRank == kNoRank) {
      break;
    }
    // Join parts best and best+1: drop the boundary between them and the pair that just merged.
    std::memmove(starts + best + 1, starts + best + 2, (parts - best - 1) * sizeof(std::uint32_t));
    std::memmove(pairRank + best, pairRank + best + 1, (parts - best - 2) * sizeof(std::uint32_t));
    --parts;
    if (best + 1 < parts) {
      pairRank[best] = rankOf(starts[best], starts[best + 2]);
    }
    if (best > 0) {
      pairRank[best - 1] = rankOf(starts[best - 1], starts[best + 1]);
    }
  }
  return parts;
}

// The same merge in O(n log n): parts form a linked list over byte offsets, candidate pairs sit in a min-heap keyed
// by (rank, start), and entries whose parts have changed since they were pushed are skipped when popped.
std::size_t mergeByHeap(const Vocabulary& vocabulary, std::string_view piece) {
  std::size_t n = piece.size();
  if (n <= 1) {
    return n;
  }
  constexpr std::uint32_t kDead = 0xffffffffu;
  std::vector<std::uint32_t> next(n);
  std::vector<std::uint32_t> prev(n);
  for (std::size_t i = 0; i < n; ++i) {
    next[i] = static_cast<std::uint32_t>(i + 1); // n marks the end
    prev[i] = static_cast<std::uint32_t>(i) - 1; // kDead-like wrap for the first part, never read
  }
  struct Candidate {
    std::uint64_t key; // rank << 32 | left start
    std::uint32_t middle;
    std::uint32_t end;
    bool operator>(const Candidate& other) const { return key > other.key; }
  };
  std::vector<Candidate> storage;
  storage.reserve(n);
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap(std::greater<>{}, std::move(storage));
  auto push = [&](std::uint32_t left) {
    std::uint32_t middle = next[left];
    if (middle >= n) {
      return;
    }
    std::uint32_t end = next[middle];
    std::uint32_t rank = vocabulary.rank(piece.substr(left, end - left));
    if (rank != kNoRank) {
      heap.push(Candidate{static_cast<std::uint64_t>(rank) << 32 | left, middle, end});
    }
  };
  for (std::uint32_t i = 0; i + 1 < n; ++i) {
    push(i);
  }
  std::size_t parts = n;
  while (!heap.empty()) {
    Candidate c = heap.top();
    heap.pop();
    auto left = static_cast<std::uint32_t>(c.key & 0xffffffffu);
    if (next[left] == kDead || next[left] != c.middle || next[c.middle] != c.end) {
      continue; // stale: one of the two parts has grown or been absorbed
    }
    next[left] = c.end;
    next[c.middle] = kDead;
    if (c.end < n) {
      prev[c.end] = left;
    }
    --parts;
    push(left);
    if (left > 0) {
      push(prev[left]);
    }
  }
  return parts;
}

std::size_t countPieceTokens(const Vocabulary& vocabulary, std::string_view piece) {
  if (piece.size() <= 1) {
    return piece.size();
  }
  if (vocabulary.rank(piece) != kNoRank) {
    return 1;
  }
  return piece.size() <= kScanMergeLimit ? mergeByScan(vocabulary, piece) : mergeByHeap(vocabulary, piece);
}

} // namespace hd::tokenize::detail
