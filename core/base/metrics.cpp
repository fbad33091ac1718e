// Process-wide counters in the Prometheus text format; see metrics.h.
#include "core/base/metrics.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace ark::base {
namespace {

std::string label_set(const MetricLabels& labels) {
  if (labels.empty()) {
    return "";
  }
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    out += (i ? "," : "") + labels[i].first + "=\"" + Metrics::escape(labels[i].second) + "\"";
  }
  return out + "}";
}

// The labels without braces: a="b",c="d".
std::string label_inner(const MetricLabels& labels) {
  std::string s = label_set(labels);
  return s.empty() ? s : s.substr(1, s.size() - 2);
}

std::string with_le(const std::string& inner, const std::string& le) {
  return "{" + inner + (inner.empty() ? "" : ",") + "le=\"" + le + "\"}";
}

std::string number(double v) {
  if (std::isnan(v)) {
    return "NaN";
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);  // 0.0025, not 0.0025000000000000001
  if (std::strtod(buf, nullptr) != v) {
    std::snprintf(buf, sizeof buf, "%.17g", v);  // exact when 15 digits are not
  }
  return buf;
}

}  // namespace

Metrics& Metrics::global() {
  static Metrics* m = new Metrics;  // never destroyed: threads may count during exit
  return *m;
}

std::string Metrics::escape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Metrics::describe(std::string_view name, std::string_view help) {
  std::lock_guard lock(mu_);
  help_.insert_or_assign(std::string(name), std::string(help));
}

void Metrics::add(std::string_view name, const MetricLabels& labels, uint64_t delta) {
  std::string set = label_set(labels);
  std::lock_guard lock(mu_);
  auto it = counters_.find(name);
  if (it == counters_.end()) {
    it = counters_.emplace(std::string(name), std::map<std::string, uint64_t>{}).first;
  }
  it->second[set] += delta;
}

uint64_t Metrics::value(std::string_view name, const MetricLabels& labels) const {
  std::string set = label_set(labels);
  std::lock_guard lock(mu_);
  auto it = counters_.find(name);
  if (it == counters_.end()) {
    return 0;
  }
  auto v = it->second.find(set);
  return v == it->second.end() ? 0 : v->second;
}

const std::vector<double> Metrics::kLatencyBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                     0.25,  0.5,    1,     2.5,  5,     10};

void Metrics::histogram(std::string_view name, std::string_view help, std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  help_.insert_or_assign(std::string(name), std::string(help));
  Histogram& h = histograms_[std::string(name)];
  if (h.series.empty()) {
    h.bounds = std::move(bounds);
  }
}

void Metrics::observe(std::string_view name, const MetricLabels& labels, double value) {
  std::string inner = label_inner(labels);
  std::lock_guard lock(mu_);
  auto it = histograms_.find(name);
  if (it == histograms_.end()) {
    it = histograms_.emplace(std::string(name), Histogram{kLatencyBounds, {}}).first;
  }
  Histogram& h = it->second;
  Series& s = h.series[inner];
  if (s.counts.empty()) {
    s.counts.assign(h.bounds.size() + 1, 0);
  }
  size_t i = 0;
  while (i < h.bounds.size() && value > h.bounds[i]) {
    ++i;
  }
  ++s.counts[i];
  s.sum += value;
  ++s.count;
}

uint64_t Metrics::bucket(std::string_view name, const MetricLabels& labels, double bound) const {
  std::string inner = label_inner(labels);
  std::lock_guard lock(mu_);
  auto it = histograms_.find(name);
  if (it == histograms_.end()) {
    return 0;
  }
  auto s = it->second.series.find(inner);
  if (s == it->second.series.end()) {
    return 0;
  }
  const auto& bounds = it->second.bounds;
  uint64_t n = 0;
  for (size_t i = 0; i < s->second.counts.size(); ++i) {
    bool inside = i < bounds.size() ? bounds[i] <= bound : std::isinf(bound);
    if (!inside) {
      break;
    }
    n += s->second.counts[i];
  }
  return n;
}

void Metrics::gauge(std::string name, std::string help, GaugeSource source) {
  std::lock_guard lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(source)});
}

std::string Metrics::render() const {
  std::vector<Gauge> gauges;
  std::string out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, sets] : counters_) {
      if (auto h = help_.find(name); h != help_.end()) {
        out += "# HELP " + name + " " + h->second + "\n";
      }
      out += "# TYPE " + name + " counter\n";
      for (const auto& [set, v] : sets) {
        out += name + set + " " + std::to_string(v) + "\n";
      }
    }
    for (const auto& [name, h] : histograms_) {
      if (h.series.empty()) {
        continue;
      }
      if (auto help = help_.find(name); help != help_.end()) {
        out += "# HELP " + name + " " + help->second + "\n";
      }
      out += "# TYPE " + name + " histogram\n";
      for (const auto& [inner, s] : h.series) {
        uint64_t cumulative = 0;
        for (size_t i = 0; i < s.counts.size(); ++i) {
          cumulative += s.counts[i];
          std::string le = i < h.bounds.size() ? number(h.bounds[i]) : "+Inf";
          out += name + "_bucket" + with_le(inner, le) + " " + std::to_string(cumulative) + "\n";
        }
        std::string set = inner.empty() ? "" : "{" + inner + "}";
        out += name + "_sum" + set + " " + number(s.sum) + "\n";
        out += name + "_count" + set + " " + std::to_string(s.count) + "\n";
      }
    }
    gauges = gauges_;
  }
  // Sources may query a database: outside the lock, so counting never waits on them.
  for (const Gauge& g : gauges) {
    std::string lines;
    g.source([&](std::string_view name, const MetricLabels& labels, double v) {
      lines += std::string(name) + label_set(labels) + " " + number(v) + "\n";
    });
    if (!lines.empty()) {
      out += "# HELP " + g.name + " " + g.help + "\n# TYPE " + g.name + " gauge\n" + lines;
    }
  }
  return out;
}

}  // namespace ark::base
