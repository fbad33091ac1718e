// bench/logs: parser throughput on a maillog file (compare with pflogsumm on the same file,
// see bench/logs/run). Reads the whole file into memory first, then times
//   parse   parse_postfix_line on every line
//   attempt the follower's whole pure path: parse + TLS lines + attempt facts (reply text,
//           classification, details) for every delivery line
// Usage: logs_parse_bench FILE [ROUNDS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "admind/logs/delivery.h"
#include "admind/logs/postfix_log.h"

namespace {

std::vector<std::string> read_lines(const char* path, size_t* bytes) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    *bytes += line.size() + 1;
    lines.push_back(std::move(line));
  }
  return lines;
}

template <typename Fn>
double timed(int rounds, Fn fn) {
  auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r) {
    fn();
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ark::admind::logs;
  if (argc < 2) {
    std::fprintf(stderr, "usage: logs_parse_bench FILE [ROUNDS]\n");
    return 64;
  }
  size_t bytes = 0;
  std::vector<std::string> lines = read_lines(argv[1], &bytes);
  int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  size_t records = 0;
  double parse_s = timed(rounds, [&] {
    for (const auto& l : lines) {
      records += parse_postfix_line(l).has_value() ? 1 : 0;
    }
  });
  size_t attempts = 0;
  int64_t now = 1797249600LL * 1000000;
  double attempt_s = timed(rounds, [&] {
    for (const auto& l : lines) {
      auto rec = parse_postfix_line(l);
      if (!rec) {
        attempts += parse_tls_line(l).has_value() ? 1 : 0;
        continue;
      }
      attempts += attempt_from_record(*rec, now, false).has_value() ? 1 : 0;
    }
  });
  double n = static_cast<double>(lines.size()) * rounds;
  std::printf("lines=%zu bytes=%zu rounds=%d records=%zu attempts=%zu\n", lines.size(), bytes,
              rounds, records / static_cast<size_t>(rounds),
              attempts / static_cast<size_t>(rounds));
  std::printf("parse: %.0f lines/s (%.1f MB/s)\n", n / parse_s,
              static_cast<double>(bytes) * rounds / parse_s / 1e6);
  std::printf("parse+attempt: %.0f lines/s\n", n / attempt_s);
  return 0;
}
