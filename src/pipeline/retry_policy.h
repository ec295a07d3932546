#pragma once
// What is worth another attempt, and how long to wait before it. Pure functions (no I/O), so the
// policy is unit-tested on its own:
//  - retried statuses: 408, 429, 500, 502, 503, 504, 529, plus any error body whose type, code or message
//    says rate limit or overload (Azure and OpenAI-compatible servers sometimes use other statuses);
//  - the first event of a stream: an error event (or an OpenAI error chunk) inside an HTTP 200 is a failed
//    attempt, not an answer;
//  - backoff: min(initial * 2^n, max) with +-20% jitter; an upstream `retry-after-ms` / `retry-after` that
//    is not longer than the cap replaces it.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace hd::pipeline {

bool isRetryableStatus(unsigned status);

// Does an upstream error body (Anthropic, OpenAI or Azure shape, or plain text) signal rate limiting or
// overload?
bool bodySignalsRetry(std::string_view body);

// The server's hint: `retry-after-ms` (milliseconds) wins over `retry-after` (seconds or an HTTP date).
// Empty views mean the header was absent. nullopt when neither parses.
std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view retry_after_ms, std::string_view retry_after,
                                                         std::chrono::system_clock::time_point now);

struct Backoff {
  std::chrono::milliseconds initial{500};
  std::chrono::milliseconds max{5000};
};

// Delay before retry number `retry` (0 = the first retry). `unit_random` is uniform in [0, 1).
std::chrono::milliseconds backoffDelay(const Backoff& b, int retry, double unit_random,
                                       std::optional<std::chrono::milliseconds> server_hint);

// How a stream's first events read before anything is sent to the client.
enum class EventClass {
  Preamble, // message_start, ping, an OpenAI role-only or filter-results chunk: keep reading
  Content,  // anything the client should see: commit to this upstream
  Error,    // an error event or error chunk: the attempt failed
  Malformed // not a readable event: the attempt failed
};

struct EventVerdict {
  EventClass cls = EventClass::Content;
  unsigned status = 0;    // for Error: the HTTP status the error type stands for
  bool retryable = false; // for Error and Malformed
  std::string error_body; // for Error: the JSON error object, as the upstream sent it
};

// Classifies one SSE event (type and data as parsed by sse::Parser).
EventVerdict classifyStreamEvent(std::string_view type, std::string_view data);

// A 2xx JSON body that is in fact an error object ({"type":"error",...} or {"error":{...}}): its status.
std::optional<unsigned> errorInSuccessBody(std::string_view body);

} // namespace hd::pipeline
