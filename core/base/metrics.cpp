// Process-wide counters in the Prometheus text format; see metrics.h.
#include "core/base/metrics.h"

#include <cmath>
#include <cstdio>

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

std::string number(double v) {
  if (std::isnan(v)) {
    return "NaN";
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
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
