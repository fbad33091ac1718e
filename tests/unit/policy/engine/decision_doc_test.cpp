// docs/policy-decisions.md must list exactly the engine's decision table: every row with the
// same action, SMTP reply, API answer and email status.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "policy/engine/decision.h"

namespace ark::policy {
namespace {

std::string strip(std::string s) {
  std::string out;
  for (char c : s) {
    if (c != '`') {
      out += c;
    }
  }
  size_t b = out.find_first_not_of(' ');
  size_t e = out.find_last_not_of(' ');
  return b == std::string::npos ? "" : out.substr(b, e - b + 1);
}

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line.substr(1));
  std::string cell;
  while (std::getline(ss, cell, '|')) {
    out.push_back(strip(cell));
  }
  return out;
}

std::map<std::string, std::vector<std::string>> doc_rows() {
  std::ifstream in(std::string(ARK_SOURCE_DIR) + "/docs/policy-decisions.md");
  EXPECT_TRUE(in.good());
  std::map<std::string, std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| `", 0) == 0) {
      auto c = cells(line);
      rows[c.at(0)] = c;
    }
  }
  return rows;
}

TEST(DecisionDoc, EveryTableRowIsDocumentedIdentically) {
  auto rows = doc_rows();
  EXPECT_EQ(rows.size(), decision_table().size());
  for (const DecisionRow& r : decision_table()) {
    SCOPED_TRACE(std::string(r.token));
    auto it = rows.find(std::string(r.token));
    ASSERT_NE(it, rows.end()) << "missing from docs/policy-decisions.md";
    const auto& c = it->second;
    ASSERT_GE(c.size(), 5u);
    EXPECT_EQ(c[1], to_string(r.action));
    EXPECT_EQ(c[2], std::to_string(r.smtp_code) + " " + std::string(r.smtp_enhanced) + " " +
                        std::string(r.smtp_text));
    std::string api = std::to_string(r.http_status);
    if (!r.api_error.empty()) {
      api += " " + std::string(r.api_error);
    }
    EXPECT_EQ(c[3], api);
    EXPECT_EQ(c[4], r.email_status.empty() ? "—" : std::string(r.email_status));
  }
}

TEST(DecisionDoc, HoldsAreAcceptedAndErrorsAreNot) {
  for (const DecisionRow& r : decision_table()) {
    SCOPED_TRACE(std::string(r.token));
    if (r.action == Action::Reject) {
      EXPECT_GE(r.smtp_code, 400);
      EXPECT_FALSE(r.api_error.empty());
      EXPECT_TRUE(r.email_status.empty());
    } else {
      EXPECT_EQ(r.smtp_code, 250);
      EXPECT_TRUE(r.api_error.empty());
      EXPECT_EQ(r.email_status, r.action == Action::Hold ? "held" : "pending");
    }
    EXPECT_EQ(std::string(1, r.smtp_enhanced[0]), std::to_string(r.smtp_code / 100));
  }
}

}  // namespace
}  // namespace ark::policy
