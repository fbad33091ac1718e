#include "http_message.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace ark::plugins::webhook {
namespace {

constexpr size_t kMaxHead = 64 * 1024;
constexpr size_t kMaxChunkLine = 1024;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_token(std::string_view name) {
  static constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || kExtra.find(c) != std::string_view::npos;
  });
}

bool is_framing_header(std::string_view name) {
  for (std::string_view h : {"host", "content-length", "transfer-encoding", "connection"}) {
    if (iequals(name, h)) {
      return true;
    }
  }
  return false;
}

std::string_view trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) {
    return {};
  }
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

bool parse_decimal(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 18) {
    return false;
  }
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

bool parse_hex(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 15) {
    return false;
  }
  uint64_t v = 0;
  for (char c : s) {
    int d = std::isdigit(static_cast<unsigned char>(c))
                ? c - '0'
                : (std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
    if (d < 0 || d > 15) {
      return false;
    }
    v = v * 16 + static_cast<uint64_t>(d);
  }
  *out = v;
  return true;
}

// "HTTP/1.x SSS reason" -> SSS, or 0 when the line is not a status line.
int parse_status_line(std::string_view line) {
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ') {
    return 0;
  }
  int code = 0;
  for (size_t i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9') {
      return 0;
    }
    code = code * 10 + (line[i] - '0');
  }
  bool ends = line.size() == 12 || line[12] == ' ';
  return ends && code >= 100 ? code : 0;
}

}  // namespace

std::optional<std::string> build_post(std::string_view target, std::string_view host_header,
                                      const HeaderList& headers, std::string_view body,
                                      std::string* error) {
  std::string out =
      "POST " + std::string(target) + " HTTP/1.1\r\nHost: " + std::string(host_header) + "\r\n";
  for (const auto& [name, value] : headers) {
    if (!is_token(name)) {
      *error = "bad header name '" + std::string(name) + "'";
      return std::nullopt;
    }
    if (is_framing_header(name)) {
      *error = "header '" + std::string(name) + "' is set by the transport";
      return std::nullopt;
    }
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
      *error = "header '" + std::string(name) + "' has CR, LF or NUL in its value";
      return std::nullopt;
    }
    out.append(name).append(": ").append(value).append("\r\n");
  }
  out += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  out.append(body);
  return out;
}

bool ResponseParser::fail(std::string message) {
  state_ = State::Failed;
  error_ = std::move(message);
  return false;
}

void ResponseParser::keep(std::string_view bytes) {
  size_t room = excerpt_limit_ - std::min(excerpt_limit_, excerpt_.size());
  excerpt_.append(bytes.substr(0, room));
  if (excerpt_.size() >= excerpt_limit_) {
    state_ = State::Done;  // enough: the rest of the body is never read
  }
}

bool ResponseParser::feed(std::string_view bytes) {
  std::string carry;  // owns what follows a parsed head while it is consumed
  while (state_ == State::Head) {
    buffer_.append(bytes);
    size_t end = buffer_.find("\r\n\r\n");
    if (end == std::string::npos) {
      return buffer_.size() <= kMaxHead || fail("response head larger than 64 KiB");
    }
    std::string head = buffer_.substr(0, end);
    carry = buffer_.substr(end + 4);
    buffer_.clear();
    if (!parse_head(head)) {
      return false;
    }
    bytes = carry;
  }
  while (!bytes.empty() && state_ != State::Done && state_ != State::Failed) {
    if (!(state_ == State::Body ? feed_body(&bytes) : feed_chunked(&bytes))) {
      return false;
    }
  }
  return state_ != State::Failed;
}

bool ResponseParser::parse_head(std::string_view head) {
  size_t eol = head.find("\r\n");
  int status = parse_status_line(head.substr(0, eol));
  if (status == 0) {
    return fail("malformed status line");
  }
  bool chunked = false;
  std::optional<uint64_t> length;
  while (eol != std::string_view::npos) {
    head.remove_prefix(eol + 2);
    eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return fail("malformed header line");
    }
    std::string_view name = line.substr(0, colon);
    std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "transfer-encoding")) {
      chunked = value.size() >= 7 && iequals(value.substr(value.size() - 7), "chunked");
    } else if (iequals(name, "content-length")) {
      uint64_t n = 0;
      if (!parse_decimal(value, &n) || (length && *length != n)) {
        return fail("bad Content-Length");
      }
      length = n;
    }
  }
  if (status < 200) {
    return status == 101 ? fail("unexpected 101 Switching Protocols") : true;  // skip 1xx
  }
  status_ = status;
  framing_ = chunked ? Framing::Chunked : length ? Framing::Length : Framing::UntilClose;
  remaining_ = length.value_or(0);
  bool no_body = status == 204 || status == 304 || (framing_ == Framing::Length && !remaining_);
  state_ = no_body || excerpt_limit_ == 0 ? State::Done : chunked ? State::ChunkSize : State::Body;
  return true;
}

bool ResponseParser::feed_body(std::string_view* bytes) {
  if (framing_ == Framing::UntilClose) {
    keep(*bytes);
    *bytes = {};
    return true;
  }
  size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, bytes->size()));
  keep(bytes->substr(0, take));
  bytes->remove_prefix(take);
  remaining_ -= take;
  if (remaining_ == 0) {
    state_ = State::Done;
  }
  return true;
}

bool ResponseParser::feed_chunked(std::string_view* bytes) {
  if (state_ == State::ChunkData) {
    size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, bytes->size()));
    remaining_ -= take;
    if (remaining_ == 0) {
      state_ = State::ChunkDataEnd;
    }
    keep(bytes->substr(0, take));  // may finish the parse when the excerpt is full
    bytes->remove_prefix(take);
    return true;
  }
  // ChunkSize and ChunkDataEnd both read one CRLF-terminated line.
  size_t eol = bytes->find('\n');
  buffer_.append(bytes->substr(0, eol == std::string_view::npos ? bytes->size() : eol + 1));
  bytes->remove_prefix(eol == std::string_view::npos ? bytes->size() : eol + 1);
  if (eol == std::string_view::npos) {
    return buffer_.size() <= kMaxChunkLine || fail("chunk line too long");
  }
  std::string line = buffer_.substr(0, buffer_.size() - 1);
  buffer_.clear();
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  if (state_ == State::ChunkDataEnd) {
    state_ = State::ChunkSize;
    return line.empty() || fail("missing CRLF after chunk data");
  }
  uint64_t size = 0;
  if (!parse_hex(trim(std::string_view(line).substr(0, line.find(';'))), &size)) {
    return fail("bad chunk size");
  }
  remaining_ = size;
  state_ = size == 0 ? State::Done : State::ChunkData;  // trailers are not needed
  return true;
}

void ResponseParser::feed_eof() {
  if (state_ == State::Body && framing_ == Framing::UntilClose) {
    state_ = State::Done;
  } else if (state_ != State::Done && state_ != State::Failed) {
    fail("connection closed before the response was complete");
  }
}

}  // namespace ark::plugins::webhook
