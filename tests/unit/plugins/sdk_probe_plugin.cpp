// A test-only plugin built with the C++ SDK: it throws on request, so the tests can check
// that the SDK turns every kind of exception into the right result code and message.
//
// Config: throw = "" | runtime | failure | int (throw from the constructor),
//         flag (bool, default false), count (integer 1..10, default 5).
// deliver() by event name: "runtime" throws std::runtime_error, "failure" throws
// Failure(FailPermanent), "int" throws an int; anything else reports "flag=F count=C" as the
// response excerpt and returns Ok.
#include <stdexcept>
#include <string>

#include "ark_plugin_sdk.h"

namespace {

using ark::plugin::Failure;
using ark::plugin::Outcome;

class ProbePlugin {
 public:
  ProbePlugin(const ark::plugin::Host&, const ark::plugin::Config& config) {
    config.allow_only({"throw", "flag", "count"});
    std::string_view what = config.get_or("throw", "");
    if (what == "runtime") {
      throw std::runtime_error("constructor failed");
    }
    if (what == "failure") {
      throw Failure(Outcome::FailPermanent, "constructor refused");
    }
    if (what == "int") {
      throw 7;
    }
    flag_ = config.get_bool("flag", false);
    count_ = config.get_uint("count", 5, 1, 10);
  }

  Outcome deliver(const ark::plugin::Event& event, uint64_t, ark::plugin::Report& report) {
    if (event.name() == "runtime") {
      throw std::runtime_error("deliver failed");
    }
    if (event.name() == "failure") {
      throw Failure(Outcome::FailPermanent, "endpoint gone");
    }
    if (event.name() == "int") {
      throw 42;
    }
    report.set_response_excerpt("flag=" + std::to_string(flag_) +
                                " count=" + std::to_string(count_));
    return Outcome::Ok;
  }

 private:
  bool flag_ = false;
  uint64_t count_ = 0;
};

}  // namespace

ARK_PLUGIN_DEFINE(ProbePlugin, "sdk-probe", "0.0.1", ARK_PLUGIN_ROLE_SINK)
