// The HTTP/1.1 (RFC 9112) pieces the webhook transport needs: the request bytes for one
// POST, and an incremental parser for the response that keeps only its status and the first
// bytes of its body.
//
// Request: "POST <target> HTTP/1.1", Host, the caller's headers in order, Content-Length,
// "Connection: close", then the body bytes unchanged (they are what the signature covers).
// Header names and values are checked for CR, LF and NUL (header injection) and names for
// the framing headers the transport owns (Host, Content-Length, Transfer-Encoding,
// Connection), which the caller may not set.
//
// Response: interim 1xx responses are skipped; the body is framed by Content-Length,
// chunked transfer coding, or the end of the connection. The parser is done as soon as the
// body is complete or the excerpt is full, so a huge or endless body is never read past the
// excerpt. Headers are limited to 64 KiB.
//
// Ownership: values only. Thread-safety: a ResponseParser is used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ark::plugins::webhook {

using HeaderList = std::vector<std::pair<std::string_view, std::string_view>>;

// Returns the request bytes, or nullopt with *error when a header is not allowed.
std::optional<std::string> build_post(std::string_view target, std::string_view host_header,
                                      const HeaderList& headers, std::string_view body,
                                      std::string* error);

class ResponseParser {
 public:
  explicit ResponseParser(size_t excerpt_limit) : excerpt_limit_(excerpt_limit) {}

  // Consumes bytes; false when the response is malformed (see error()).
  bool feed(std::string_view bytes);
  // The peer closed the connection. Completes a body framed by the connection's end.
  void feed_eof();

  bool done() const { return state_ == State::Done; }
  bool head_complete() const { return status_ != 0; }
  int status() const { return status_; }
  const std::string& excerpt() const { return excerpt_; }
  const std::string& error() const { return error_; }

 private:
  enum class State { Head, Body, ChunkSize, ChunkData, ChunkDataEnd, Done, Failed };
  enum class Framing { Length, Chunked, UntilClose };

  bool parse_head(std::string_view head);
  bool feed_body(std::string_view* bytes);
  bool feed_chunked(std::string_view* bytes);
  void keep(std::string_view bytes);
  bool fail(std::string message);

  size_t excerpt_limit_;
  State state_ = State::Head;
  Framing framing_ = Framing::UntilClose;
  std::string buffer_;      // unparsed head or chunk-size line
  uint64_t remaining_ = 0;  // body bytes left (Length) or chunk bytes left (ChunkData)
  int status_ = 0;
  std::string excerpt_;
  std::string error_;
};

}  // namespace ark::plugins::webhook
