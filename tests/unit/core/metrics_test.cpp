// The counters behind GET /metrics: the Prometheus text format, label escaping, gauges,
// histograms.
#include "core/base/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

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

TEST(Metrics, HistogramsRenderCumulativeBucketsSumAndCount) {
  Metrics m;
  m.histogram("ark_op_seconds", "how long an op took", {0.01, 0.1, 1});
  m.observe("ark_op_seconds", {{"op", "a"}}, 0.005);
  m.observe("ark_op_seconds", {{"op", "a"}}, 0.01);  // on a bound: counted in that bucket
  m.observe("ark_op_seconds", {{"op", "a"}}, 0.5);
  m.observe("ark_op_seconds", {{"op", "a"}}, 7);
  EXPECT_EQ(m.bucket("ark_op_seconds", {{"op", "a"}}, 0.01), 2u);
  EXPECT_EQ(m.bucket("ark_op_seconds", {{"op", "a"}}, 1), 3u);
  EXPECT_EQ(m.bucket("ark_op_seconds", {{"op", "a"}}, INFINITY), 4u);
  EXPECT_EQ(m.bucket("ark_op_seconds", {{"op", "b"}}, INFINITY), 0u);
  EXPECT_EQ(m.render(),
            "# HELP ark_op_seconds how long an op took\n"
            "# TYPE ark_op_seconds histogram\n"
            "ark_op_seconds_bucket{op=\"a\",le=\"0.01\"} 2\n"
            "ark_op_seconds_bucket{op=\"a\",le=\"0.1\"} 2\n"
            "ark_op_seconds_bucket{op=\"a\",le=\"1\"} 3\n"
            "ark_op_seconds_bucket{op=\"a\",le=\"+Inf\"} 4\n"
            "ark_op_seconds_sum{op=\"a\"} 7.515\n"
            "ark_op_seconds_count{op=\"a\"} 4\n");
}

TEST(Metrics, AnUndeclaredHistogramUsesTheLatencyBuckets) {
  Metrics m;
  m.observe("ark_wait_seconds", {}, 0.003);
  std::string out = m.render();
  EXPECT_NE(out.find("# TYPE ark_wait_seconds histogram\n"), std::string::npos) << out;
  EXPECT_NE(out.find("ark_wait_seconds_bucket{le=\"0.0025\"} 0\n"), std::string::npos) << out;
  EXPECT_NE(out.find("ark_wait_seconds_bucket{le=\"0.005\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("ark_wait_seconds_bucket{le=\"10\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("ark_wait_seconds_count 1\n"), std::string::npos) << out;
  EXPECT_EQ(Metrics::kLatencyBounds.size(), 13u);
}

}  // namespace
}  // namespace ark::base
