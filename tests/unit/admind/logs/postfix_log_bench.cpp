// Micro-benchmark for parse_postfix_line (not a test; not registered with ctest).
// Parses every line of the real captures in a loop and prints lines/s and MB/s.
// Usage: postfix_log_bench [ROUNDS]   (default 2000 rounds of ~300 lines)

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "admind/logs/postfix_log.h"
#include "admind/logs/postfix_reply.h"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  using ark::admind::logs::Delivery;
  const fs::path dir = ARK_MAILLOG_FIXTURES;
  std::vector<std::string> lines;
  size_t bytes = 0;
  for (const char* name : {"postfix-3.7-long-ids.log", "postfix-3.7-short-ids.log"}) {
    std::ifstream in(dir / name, std::ios::binary);
    for (std::string line; std::getline(in, line);) {
      bytes += line.size() + 1;
      lines.push_back(std::move(line));
    }
  }
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 2000;
  size_t records = 0;
  size_t codes = 0;
  auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r) {
    for (const std::string& line : lines) {
      auto rec = ark::admind::logs::parse_postfix_line(line);
      if (!rec) {
        continue;
      }
      ++records;
      if (const auto* d = std::get_if<Delivery>(&rec->body)) {
        codes += ark::admind::logs::parse_reply_text(d->reply).code.has_value() ? 1 : 0;
      }
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double n = static_cast<double>(lines.size()) * rounds;
  std::printf(
      "lines=%.0f records=%zu replies_with_code=%zu seconds=%.3f lines_per_s=%.0f "
      "mb_per_s=%.1f\n",
      n, records, codes, secs, n / secs, static_cast<double>(bytes) * rounds / secs / 1e6);
  return 0;
}
