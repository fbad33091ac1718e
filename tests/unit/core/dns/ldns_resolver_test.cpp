// LdnsResolver against a real dnsmasq on 127.0.0.53 (label: integration). Needs dnsmasq
// (Debian dnsmasq-base) and a loopback interface that is up; fails, not skips, without.
#include "core/dns/ldns_resolver.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/dns/records.h"
#include "dnsmasq_server.h"

namespace ark::dns {
namespace {

using testing::DnsmasqServer;

// 410 bytes, like an RSA-2048 DKIM record: dnsmasq serves it as two character-strings.
std::string long_txt() {
  std::string v = "k=rsa;t=s;p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA";
  for (int i = 0; v.size() < 410; ++i) {
    v += static_cast<char>('A' + i % 26);
  }
  return v;
}

class LdnsAgainstDnsmasq : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string err;
    server_ =
        DnsmasqServer::start(
            {"--txt-record=plain.example.org,hello world", "--txt-record=multi.example.org,first",
             "--txt-record=multi.example.org,second", "--txt-record=long.example.org," + long_txt(),
             "--cname=psrp.example.org,RP.Provider.test",
             "--mx-host=example.org,mx1.example.org,10",
             "--mx-host=example.org,mx2.example.org,20"},
            "example.org", &err)
            .release();
    start_error_ = err;
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(server_, nullptr) << start_error_; }

  LdnsResolver resolver(std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
    return LdnsResolver::create({DnsmasqServer::kAddress, server_->port(), timeout, 1}).value();
  }

  static DnsmasqServer* server_;
  static std::string start_error_;
};

DnsmasqServer* LdnsAgainstDnsmasq::server_ = nullptr;
std::string LdnsAgainstDnsmasq::start_error_;

TEST_F(LdnsAgainstDnsmasq, TxtRecords) {
  auto r = resolver();
  auto one = r.txt("plain.example.org");
  EXPECT_EQ(one.status, LookupStatus::Ok) << one.detail;
  EXPECT_EQ(one.values, std::vector<std::string>{"hello world"});
  auto two = r.txt("Multi.Example.Org.");  // case and trailing dot do not matter
  ASSERT_EQ(two.status, LookupStatus::Ok);
  std::sort(two.values.begin(), two.values.end());
  EXPECT_EQ(two.values, (std::vector<std::string>{"first", "second"}));
}

TEST_F(LdnsAgainstDnsmasq, TxtOver255BytesIsJoined) {
  auto a = resolver().txt("long.example.org");
  ASSERT_EQ(a.status, LookupStatus::Ok) << a.detail;
  ASSERT_EQ(a.values.size(), 1u);
  EXPECT_EQ(a.values[0], long_txt());
}

TEST_F(LdnsAgainstDnsmasq, CnameAndMx) {
  auto r = resolver();
  auto c = r.cname("psrp.example.org");
  ASSERT_EQ(c.status, LookupStatus::Ok) << c.detail;
  EXPECT_EQ(c.values, std::vector<std::string>{"rp.provider.test"});
  auto m = r.mx("example.org");
  ASSERT_EQ(m.status, LookupStatus::Ok) << m.detail;
  std::sort(m.values.begin(), m.values.end(),
            [](const MxHost& a, const MxHost& b) { return a.preference < b.preference; });
  EXPECT_EQ(m.values, (std::vector<MxHost>{{10, "mx1.example.org"}, {20, "mx2.example.org"}}));
}

TEST_F(LdnsAgainstDnsmasq, NxDomainNoDataRefused) {
  auto r = resolver();
  EXPECT_EQ(r.txt("nothere.example.org").status, LookupStatus::NxDomain);
  EXPECT_EQ(r.cname("plain.example.org").status, LookupStatus::NoData);
  auto refused = r.txt("www.elsewhere.test");
  EXPECT_EQ(refused.status, LookupStatus::Refused);
  EXPECT_FALSE(refused.detail.empty());
  EXPECT_TRUE(refused.values.empty());
}

TEST_F(LdnsAgainstDnsmasq, BadNameIsAnErrorWithoutAQuery) {
  auto a = resolver().txt("bad name.example.org");
  EXPECT_EQ(a.status, LookupStatus::Error);
  EXPECT_EQ(resolver().txt("").status, LookupStatus::Error);
}

TEST(LdnsResolver, SilentNameserverIsTimeoutNotMissing) {
  auto r = LdnsResolver::create({DnsmasqServer::kAddress, testing::unused_udp_port(),
                                 std::chrono::milliseconds(300), 1})
               .value();
  auto t0 = std::chrono::steady_clock::now();
  auto a = r.txt("plain.example.org");
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  EXPECT_EQ(a.status, LookupStatus::Timeout) << a.detail;
  EXPECT_NE(a.detail.find("2 attempt"), std::string::npos) << a.detail;
  EXPECT_GE(ms, 550);  // two attempts of 300 ms, not given up early
}

// A minimal nameserver that answers every query with SERVFAIL (dnsmasq cannot be made to).
class ServfailServer {
 public:
  ServfailServer() {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    inet_pton(AF_INET, DnsmasqServer::kAddress, &sa.sin_addr);
    socklen_t len = sizeof(sa);
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0 &&
             getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len) == 0;
    port_ = ntohs(sa.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ServfailServer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  bool bound() const { return bound_; }
  uint16_t port() const { return port_; }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) {
        continue;
      }
      unsigned char buf[1500];
      sockaddr_in from{};
      socklen_t len = sizeof(from);
      ssize_t n = recvfrom(fd_, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 12) {
        continue;
      }
      buf[2] |= 0x80;  // QR: this is a response
      buf[3] = 0x82;   // RA, RCODE 2 = SERVFAIL
      sendto(fd_, buf, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), len);
    }
  }
  int fd_ = -1;
  bool bound_ = false;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(LdnsResolver, ServfailIsReportedAsSuch) {
  ServfailServer server;
  ASSERT_TRUE(server.bound());
  auto r = LdnsResolver::create(
               {DnsmasqServer::kAddress, server.port(), std::chrono::milliseconds(1000), 0})
               .value();
  EXPECT_EQ(r.txt("x.example.org").status, LookupStatus::ServFail);
  EXPECT_EQ(r.cname("x.example.org").status, LookupStatus::ServFail);
  EXPECT_EQ(r.mx("x.example.org").status, LookupStatus::ServFail);
}

TEST(LdnsResolver, OptionsAreValidated) {
  using std::chrono::milliseconds;
  EXPECT_FALSE(LdnsResolver::create({"localhost", 53, milliseconds(100), 1}).ok());
  EXPECT_FALSE(LdnsResolver::create({"127.0.0.1", 0, milliseconds(100), 1}).ok());
  EXPECT_FALSE(LdnsResolver::create({"127.0.0.1", 53, milliseconds(0), 1}).ok());
  EXPECT_FALSE(LdnsResolver::create({"127.0.0.1", 53, milliseconds(100), 11}).ok());
  EXPECT_TRUE(LdnsResolver::create({"::1", 53, milliseconds(100), 0}).ok());
}

// The spec's records served by a real DNS server and checked over ldns end to end.
TEST(DomainRecordsOverLdns, VerifiedThenMissingThenInvalid) {
  RecordNaming naming;
  naming.spf_include = "spf.provider.test";
  naming.return_path_host = "rp.provider.test";
  auto rec = build_records("mail.example.org", naming, "abc123", long_txt()).value();
  auto serve = [&](const std::string& dkim_value, const std::string& cname_target) {
    std::vector<std::string> args = {"--txt-record=mail.example.org," + rec.spf.value,
                                     "--cname=psrp.mail.example.org," + cname_target};
    if (!dkim_value.empty()) {
      args.push_back("--txt-record=" + rec.dkim.full_name + "," + dkim_value);
    }
    std::string err;
    auto s = DnsmasqServer::start(args, "example.org", &err);
    EXPECT_NE(s, nullptr) << err;
    return s;
  };
  auto check = [&](DnsmasqServer& s) {
    auto r = LdnsResolver::create(
                 {DnsmasqServer::kAddress, s.port(), std::chrono::milliseconds(2000), 1})
                 .value();
    return check_domain(r, rec, naming);
  };
  auto good = serve(rec.dkim.value, "rp.provider.test");
  ASSERT_NE(good, nullptr);
  DomainCheck ok = check(*good);
  EXPECT_TRUE(ok.verified()) << ok.spf.error << "|" << ok.dkim.error << "|" << ok.return_path.error;
  EXPECT_EQ(ok.dmarc.status, RecordStatus::Missing);
  good.reset();

  auto no_dkim = serve("", "rp.provider.test");
  ASSERT_NE(no_dkim, nullptr);
  DomainCheck missing = check(*no_dkim);
  EXPECT_EQ(missing.dkim.status, RecordStatus::Missing);
  EXPECT_FALSE(missing.verified());
  EXPECT_TRUE(missing.conclusive());
  no_dkim.reset();

  auto wrong = serve("k=rsa;t=s;p=AAAA", "rp.elsewhere.test");
  ASSERT_NE(wrong, nullptr);
  DomainCheck invalid = check(*wrong);
  EXPECT_EQ(invalid.dkim.status, RecordStatus::Invalid);
  EXPECT_EQ(invalid.dkim.found, std::vector<std::string>{"k=rsa;t=s;p=AAAA"});
  EXPECT_EQ(invalid.return_path.status, RecordStatus::Invalid);
  EXPECT_EQ(invalid.spf.status, RecordStatus::Ok);
}

}  // namespace
}  // namespace ark::dns
