// Golden transcripts (tests/fixtures/policyd/*.transcript) replayed through a Session: every
// server line must match in order, and nothing else may be sent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "policy/policyd/session.h"
#include "tests/unit/policy/policyd/fakes.h"

namespace ark::policyd {
namespace {

std::string untab(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 't') {
      out += '\t';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Replays one file; returns the failures (empty: it passed).
std::vector<std::string> replay(const std::filesystem::path& file) {
  testing::FakeCredentialStore store;
  testing::FakeClock clock;
  Throttle throttle({3, 600000, 1000}, clock);
  Authenticator auth(store, throttle, AuthSettings{true});
  Session session(auth, {4242, 7, "0123456789abcdef0123456789abcdef"});
  std::vector<std::string> pending = session.greeting();
  std::vector<std::string> errors;
  bool closed = false;
  std::ifstream in(file);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string where = file.filename().string() + ":" + std::to_string(n) + ": ";
    if (line.empty() || line[0] == '#') {
      continue;
    }
    if (line.rfind("S: ", 0) == 0) {
      if (pending.empty()) {
        errors.push_back(where + "expected '" + line + "', server sent nothing");
      } else if (pending.front() != untab(line.substr(3))) {
        errors.push_back(where + "expected '" + line + "', got '" + pending.front() + "'");
        pending.erase(pending.begin());
      } else {
        pending.erase(pending.begin());
      }
    } else if (line == "!close") {
      if (!closed) {
        errors.push_back(where + "expected the connection to close");
      }
    } else if (line.rfind("C: ", 0) == 0) {
      if (!pending.empty()) {
        errors.push_back(where + "unexpected server line '" + pending.front() + "'");
        pending.clear();
      }
      if (closed) {
        errors.push_back(where + "client line after close");
        break;
      }
      SessionOutput out = session.on_line(untab(line.substr(3)));
      pending = out.lines;
      closed = out.close;
    } else {
      errors.push_back(where + "unknown transcript line");
    }
  }
  if (!pending.empty()) {
    errors.push_back(file.filename().string() + ": unexpected server line '" + pending.front() +
                     "'");
  }
  return errors;
}

TEST(PolicydTranscripts, AllGoldenTranscriptsPass) {
  std::filesystem::path dir = std::string(ARK_SOURCE_DIR) + "/tests/fixtures/policyd";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".transcript") {
      continue;
    }
    ++files;
    SCOPED_TRACE(entry.path().filename().string());
    for (const std::string& e : replay(entry.path())) {
      ADD_FAILURE() << e;
    }
  }
  EXPECT_GE(files, 12);
}

}  // namespace
}  // namespace ark::policyd
