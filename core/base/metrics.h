// Process-wide counters and histograms, rendered in the Prometheus text format (version
// 0.0.4) by ark-admind's GET /metrics. A counter is a name plus a label set; adding to one
// that does not exist yet creates it at 0 first. A histogram counts observations into fixed
// buckets (upper bounds, `le`) per label set and keeps their sum and count. Names follow Prometheus
// rules (`ark_..._total`); label values are escaped on output, so any text (a plugin's counter
// name, an endpoint) is safe to use.
//
// Counters are per process: each admind of a fleet is its own scrape target.
// Thread-safety: all functions may be called from any thread (one mutex; an add is a map
// lookup, fine for per-request and per-batch use, not for per-byte loops).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ark::base {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  // The registry of this process.
  static Metrics& global();

  // Declares a counter's help text (shown once per name); optional.
  void describe(std::string_view name, std::string_view help);
  void add(std::string_view name, const MetricLabels& labels = {}, uint64_t delta = 1);
  // Current value (0 when never added); for tests.
  uint64_t value(std::string_view name, const MetricLabels& labels = {}) const;

  // Declares a histogram's help text and bucket upper bounds (ascending; +Inf is implied).
  // Observing a name never declared uses kLatencyBounds.
  void histogram(std::string_view name, std::string_view help, std::vector<double> bounds);
  void observe(std::string_view name, const MetricLabels& labels, double value);
  // Observations so far with value <= bound (bound +Inf: all); for tests.
  uint64_t bucket(std::string_view name, const MetricLabels& labels, double bound) const;

  // Latency buckets in seconds, 1 ms to 10 s.
  static const std::vector<double> kLatencyBounds;

  // Gauges sampled at render time: each adds "name{labels} value" lines through `emit`.
  using Emit = std::function<void(std::string_view name, const MetricLabels& labels, double)>;
  using GaugeSource = std::function<void(const Emit& emit)>;
  // Registers a gauge family (name, help) read by `source` at every render.
  void gauge(std::string name, std::string help, GaugeSource source);

  std::string render() const;

  // A label value escaped for the text format (\\, \", \n).
  static std::string escape(std::string_view value);

 private:
  struct Gauge {
    std::string name;
    std::string help;
    GaugeSource source;
  };
  mutable std::mutex mu_;
  std::map<std::string, std::string, std::less<>> help_;
  // name -> rendered label set ("" or {a="b",...}) -> value
  std::map<std::string, std::map<std::string, uint64_t>, std::less<>> counters_;
  struct Series {
    std::vector<uint64_t> counts;  // per bucket, not cumulative; last = above every bound
    double sum = 0;
    uint64_t count = 0;
  };
  struct Histogram {
    std::vector<double> bounds;
    std::map<std::string, Series> series;  // inner label text (a="b",c="d") -> series
  };
  std::map<std::string, Histogram, std::less<>> histograms_;
  std::vector<Gauge> gauges_;
};

}  // namespace ark::base
