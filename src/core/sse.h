#pragma once
// Incremental Server-Sent Events parser (the WHATWG event-stream framing).
//
// Written by hand: the framing is small and well specified, and no Debian package offers an
// incremental parser. Bytes are fed as they arrive from the network; complete events are handed to a
// callback. Memory is bounded by the largest single event (capped, see kMaxEventBytes).

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace hd::sse {

struct Event {
  std::string_view type; // "message" when no event: field was sent
  std::string_view data; // data: lines joined with '\n'
};

class Parser {
public:
  static constexpr std::size_t kMaxEventBytes = 16 * 1024 * 1024;

  using Callback = std::function<void(const Event&)>;
  explicit Parser(Callback cb) : cb_(std::move(cb)) {}

  // Feeds bytes; returns false if an event exceeded kMaxEventBytes (the parser then resets).
  bool feed(std::string_view bytes);
  std::size_t eventsSeen() const { return events_; }

private:
  void line(std::string_view l);
  void dispatch();

  Callback cb_;
  std::string partial_; // incomplete line carried across feeds
  std::string type_;
  std::string data_;
  bool has_data_ = false;
  std::size_t events_ = 0;
};

// Formats one event in the wire framing.
std::string format(std::string_view type, std::string_view data);

} // namespace hd::sse
