// The minimal Ark event plugin: copy this directory to start your own.
//
// It logs one line per event through the host and counts the events it saw. Replace
// deliver() with your own transport (a queue, a file, an HTTP call) and keep its promises:
// return before deadline_ms (host monotonic clock), Retry for anything that may work later,
// and never block the host past the deadline.
//
// Config (flat strings from admind's config file):
//   label  optional, default "example": added to every log line.
//
// Ownership: Event, Config and Report are views valid only during the call; copy what you
// keep. Thread-safety: deliver() may run on several host threads at once; this class holds
// no mutable state, so it needs no lock.
#include <ark_plugin_sdk.h>

#include <string>

namespace {

class ExamplePlugin {
 public:
  ExamplePlugin(const ark::plugin::Host& host, const ark::plugin::Config& config) : host_(host) {
    config.allow_only({"label"});
    label_ = std::string(config.get_or("label", "example"));
    host_.info("example plugin ready label=" + label_);
  }

  ark::plugin::Outcome deliver(const ark::plugin::Event& event, uint64_t deadline_ms,
                               ark::plugin::Report& report) {
    if (event.name().empty() || event.uuid().empty()) {
      report.set_error("event without name or uuid");
      return ark::plugin::Outcome::Invalid;
    }
    if (host_.remaining_ms(deadline_ms) == 0) {
      report.set_error("deadline passed before delivery");
      return ark::plugin::Outcome::Retry;
    }
    host_.info("label=" + label_ + " event=" + std::string(event.name()) + " uuid=" +
               std::string(event.uuid()) + " bytes=" + std::to_string(event.body().size()));
    host_.count("example_events");
    return ark::plugin::Outcome::Ok;
  }

 private:
  ark::plugin::Host host_;
  std::string label_;
};

}  // namespace

ARK_PLUGIN_DEFINE(ExamplePlugin, "example", "1.0.0", ARK_PLUGIN_ROLE_SINK)
