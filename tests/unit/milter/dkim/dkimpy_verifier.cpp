#include "dkimpy_verifier.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ark::milter::dkim::testing {
namespace {

// /usr/bin/python3 on purpose: python3-dkim installs into Debian's interpreter, and a
// python3 earlier on PATH (pyenv) would not see it.
constexpr const char* kPython = "/usr/bin/python3";

constexpr const char* kScript = R"PY(
import logging, sys
import dkim
msg = open(sys.argv[1], 'rb').read()
rec = open(sys.argv[2], 'rb').read()
want = sys.argv[3].encode().lower()
logging.basicConfig(stream=sys.stderr, level=logging.DEBUG, format='%(message)s')
asked = []
def dnsfunc(name, timeout=5):
    asked.append(name)
    return rec if name.rstrip(b'.').lower() == want else None
ok = dkim.verify(msg, logger=logging.getLogger('dkimpy'), dnsfunc=dnsfunc)
print('dns asked:', asked, 'verified:', ok, file=sys.stderr)
sys.exit(0 if ok else 1)
)PY";

void write_file(const std::filesystem::path& p, std::string_view data) {
  std::ofstream f(p, std::ios::binary);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!f) {
    throw std::runtime_error("cannot write " + p.string());
  }
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

std::string to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) {
      out += '\r';
    }
    out += text[i];
  }
  return out;
}

std::string wire_message(std::string_view signature_value, const std::vector<Header>& headers,
                         std::string_view body) {
  std::string out = "DKIM-Signature: " + to_crlf(signature_value) + "\r\n";
  for (const Header& h : headers) {
    bool lead = !h.value.empty() && (h.value[0] == ' ' || h.value[0] == '\t');
    out += h.name + ":" + (lead ? "" : " ") + to_crlf(h.value) + "\r\n";
  }
  out += "\r\n";
  out += to_crlf(body);
  if (!body.empty() && body.back() != '\n') {
    out += "\r\n";
  }
  return out;
}

VerifyOutcome dkimpy_verify(const std::string& wire, const std::string& dns_name,
                            const std::string& txt) {
  char tmpl[] = "/tmp/ark-dkimpy.XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  std::filesystem::path dir(tmpl);
  write_file(dir / "msg.eml", wire);
  write_file(dir / "key.txt", txt);
  write_file(dir / "verify.py", kScript);
  std::string cmd = std::string(kPython) + " " + (dir / "verify.py").string() + " " +
                    (dir / "msg.eml").string() + " " + (dir / "key.txt").string() + " '" +
                    dns_name + "' >" + (dir / "log").string() + " 2>&1";
  int rc = std::system(cmd.c_str());
  VerifyOutcome out;
  out.exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  out.verified = out.exit_code == 0;
  out.log = read_file(dir / "log");
  std::filesystem::remove_all(dir);
  return out;
}

}  // namespace ark::milter::dkim::testing
