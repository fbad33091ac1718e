// The etc/ samples must list exactly what the schemas define, with the defaults: they
// are rendered from the schemas, and this test fails when someone forgets to re-render.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "admind/admind_config.h"
#include "milter/settings.h"

namespace ark {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SampleConfig, AdmindSampleIsCurrent) {
  EXPECT_EQ(read(std::string(ARK_SOURCE_DIR) + "/etc/admind.yaml"),
            config::render_sample(admind::admind_schema()))
      << "re-render with: ark-admind --print-default-config > etc/admind.yaml";
}

TEST(SampleConfig, MilterSampleIsCurrent) {
  EXPECT_EQ(read(std::string(ARK_SOURCE_DIR) + "/etc/milter.yaml"),
            config::render_sample(milter::milter_schema()))
      << "re-render with: ark-milter --print-default-config > etc/milter.yaml";
}

}  // namespace
}  // namespace ark
