// The counters behind GET /metrics: the Prometheus text format, label escaping, gauges.
#include "core/base/metrics.h"

#include <gtest/gtest.h>

namespace ark::base {
namespace {

TEST(Metrics, CountersRenderWithTypeHelpAndSortedLabelSets) {
  Metrics m;
  m.describe("ark_x_total", "things done");
  m.add("ark_x_total", {{"kind", "b"}}, 2);
  m.add("ark_x_total", {{"kind", "a"}});
  m.add("ark_x_total", {{"kind", "b"}}, 3);
  m.add("ark_y_total");
  EXPECT_EQ(m.value("ark_x_total", {{"kind", "b"}}), 5u);
  EXPECT_EQ(m.value("ark_x_total", {{"kind", "c"}}), 0u);
  EXPECT_EQ(m.render(),
            "# HELP ark_x_total things done\n"
            "# TYPE ark_x_total counter\n"
            "ark_x_total{kind=\"a\"} 1\n"
            "ark_x_total{kind=\"b\"} 5\n"
            "# TYPE ark_y_total counter\n"
            "ark_y_total 1\n");
}

TEST(Metrics, LabelValuesAreEscaped) {
  Metrics m;
  m.add("ark_plugin_counter_total", {{"name", "a\"b\\c\nd"}});
  EXPECT_NE(m.render().find("ark_plugin_counter_total{name=\"a\\\"b\\\\c\\nd\"} 1\n"),
            std::string::npos)
      << m.render();
}

TEST(Metrics, GaugesAreReadAtEachRenderAndSkippedWhenEmpty) {
  Metrics m;
  int calls = 0;
  m.gauge("ark_backlog", "waiting work", [&](const Metrics::Emit& emit) {
    ++calls;
    emit("ark_backlog", {{"kind", "events"}}, calls * 10);
  });
  m.gauge("ark_silent", "a source with nothing to say", [](const Metrics::Emit&) {});
  EXPECT_EQ(m.render(),
            "# HELP ark_backlog waiting work\n# TYPE ark_backlog gauge\n"
            "ark_backlog{kind=\"events\"} 10\n");
  EXPECT_NE(m.render().find("ark_backlog{kind=\"events\"} 20\n"), std::string::npos);
  EXPECT_EQ(m.render().find("ark_silent"), std::string::npos);
}

}  // namespace
}  // namespace ark::base
