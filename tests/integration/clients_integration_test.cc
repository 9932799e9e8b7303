// The example clients in other languages against the live suite: Redis, the
// three services and the gateway on loopback.

#include <algorithm>
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/redis_server.h"
#include "tests/testing/service_process.h"
#include "tests/testing/suite.h"

namespace outreach::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ClientsIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_ = std::make_unique<RedisServer>(dir_.path());
    ASSERT_TRUE(redis_->Start());
    const std::string redis = "--redis_address=" + redis_->address();
    events_ = Start(OUTREACH_EVENTS_SERVER, "events",
                    {"--db_path=" + dir_.path() + "/events.db", redis,
                     "--participants_address=", "--recommendations_address="});
    participants_ = Start(OUTREACH_PARTICIPANTS_SERVER, "participants",
                          {"--db_path=" + dir_.path() + "/participants.db", redis,
                           "--events_address=" + events_->address()});
    recommendations_ = Start(
        OUTREACH_RECOMMENDATIONS_SERVER, "recommendations",
        {"--db_path=" + dir_.path() + "/recommendations.db", redis,
         "--events_address=" + events_->address(),
         "--participants_address=" + participants_->address()});
    gateway_ = Start(OUTREACH_GATEWAY_SERVER, "gateway",
                     {redis, "--events_address=" + events_->address(),
                      "--participants_address=" + participants_->address(),
                      "--recommendations_address=" +
                          recommendations_->address()});
  }

  std::unique_ptr<ServiceProcess> Start(const std::string& binary,
                                        const std::string& name,
                                        std::vector<std::string> flags) {
    auto p = std::make_unique<ServiceProcess>(
        binary, std::move(flags), dir_.path() + "/" + name + ".log");
    EXPECT_TRUE(p->Start()) << p->log();
    return p;
  }

  TempDir dir_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServiceProcess> events_, participants_, recommendations_,
      gateway_;
};

// Each example client imports the seed and a second note, reads the seed's
// note back, lists the two events a page at a time and decodes a
// validation error's BadRequest. It runs twice: the second run's imports
// must report already_imported and create nothing.
std::string RunClientTwice(const std::vector<std::string>& argv,
                           const std::string& log) {
  for (int run = 0; run < 2; ++run) {
    Subprocess client;
    EXPECT_TRUE(client.Start(argv, log));
    EXPECT_EQ(client.Wait(absl::Seconds(60)), 0) << ReadFile(log);
  }
  return ReadFile(log);
}

const char kSeedNote[] = OUTREACH_SOURCE "/examples/notes/kiev_2013.txt";
const char kSecondNote[] =
    OUTREACH_SOURCE "/services/gateway/testdata/chisinau_2015.txt";

TEST_F(ClientsIntegrationTest, PythonClient) {
  const std::string out = RunClientTwice(
      {"/usr/bin/python3", OUTREACH_SOURCE "/clients/python/outreach_client.py",
       "--stubs", OUTREACH_PYTHON_STUBS, "--address", gateway_->address(),
       "--tls", "off", "--note", kSeedNote, "--note", kSecondNote},
      dir_.path() + "/python.log");
  EXPECT_THAT(out, HasSubstr("36 participations, 32 States with ISO codes, "
                             "5 outcomes, already_imported=False"));
  EXPECT_THAT(out, HasSubstr("already_imported=True"));
  EXPECT_THAT(out, HasSubstr("Event\tRegional Workshop on the Implementation"));
  EXPECT_THAT(out, HasSubstr("events: 2 in 2 page(s)"));
  EXPECT_THAT(out, HasSubstr("validation error INVALID_ARGUMENT: ['text: is "
                             "empty"));
}

TEST_F(ClientsIntegrationTest, NodeClient) {
  const std::string out = RunClientTwice(
      {OUTREACH_NODE, OUTREACH_SOURCE "/clients/node/outreach_client.js",
       "--address", gateway_->address(), "--tls", "off", "--note", kSeedNote,
       "--note", kSecondNote},
      dir_.path() + "/node.log");
  EXPECT_THAT(out, HasSubstr("36 participations, 32 States with ISO codes, "
                             "5 outcomes, already_imported=false"));
  EXPECT_THAT(out, HasSubstr("already_imported=true"));
  EXPECT_THAT(out, HasSubstr("Event\tRegional Workshop on the Implementation"));
  EXPECT_THAT(out, HasSubstr("events: 2 in 2 page(s)"));
  EXPECT_THAT(out, HasSubstr("validation error INVALID_ARGUMENT: [\"text: is "
                             "empty"));
}

// One way to call every tool: the same --address flag and OUTREACH_ADDRESS
// variable, --help that exits 0, and an error as one line with its gRPC
// code, never a traceback.
TEST_F(ClientsIntegrationTest, EveryToolIsCalledTheSameWay) {
  struct Tool {
    std::string name;
    std::vector<std::string> argv;  // without the address
  };
  const std::vector<Tool> tools = {
      {"python",
       {"/usr/bin/python3", OUTREACH_SOURCE "/clients/python/outreach_client.py",
        "--stubs", OUTREACH_PYTHON_STUBS, "--note", kSeedNote,
        "--timeout", "3"}},
      {"node",
       {OUTREACH_NODE, OUTREACH_SOURCE "/clients/node/outreach_client.js",
        "--note", kSeedNote, "--timeout", "3"}},
      {"outreachctl", {OUTREACH_CTL, "--timeout=3s", "events", "list"}},
  };
  for (const Tool& t : tools) {
    SCOPED_TRACE(t.name);
    // --help exits 0.
    std::vector<std::string> help = {t.argv[0]};
    if (t.name != "outreachctl") help.push_back(t.argv[1]);
    help.push_back("--help");
    Subprocess h;
    ASSERT_TRUE(h.Start(help, dir_.path() + "/help-" + t.name + ".log"));
    EXPECT_EQ(h.Wait(absl::Seconds(30)), 0)
        << ReadFile(dir_.path() + "/help-" + t.name + ".log");
    // The gateway's address from the environment.
    Subprocess ok;
    ASSERT_TRUE(ok.Start(t.argv, dir_.path() + "/env-" + t.name + ".log",
                         {"OUTREACH_ADDRESS=" + gateway_->address()}));
    EXPECT_EQ(ok.Wait(absl::Seconds(60)), 0)
        << ReadFile(dir_.path() + "/env-" + t.name + ".log");
    // --address wins; nothing listens there: one line, code first.
    std::vector<std::string> down = t.argv;
    down.insert(down.begin() + (t.name == "outreachctl" ? 1 : 2),
                "--address=127.0.0.1:1");
    const std::string log = dir_.path() + "/down-" + t.name + ".log";
    Subprocess bad;
    ASSERT_TRUE(bad.Start(down, log,
                          {"OUTREACH_ADDRESS=" + gateway_->address()}));
    EXPECT_EQ(bad.Wait(absl::Seconds(60)), 1) << ReadFile(log);
    const std::string err = ReadFile(log);
    EXPECT_THAT(err, HasSubstr("UNAVAILABLE"));
    EXPECT_THAT(err, Not(HasSubstr("Traceback")));
    EXPECT_THAT(err, Not(HasSubstr("    at ")));  // a Node stack
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  }
}

// Against a suite serving mutual TLS, each example client presents the
// certificate of its --identity from --tls-dir (scripts/dev_tls.sh's
// layout, as scripts/run.sh makes it): editor imports, viewer is refused
// the import, and plaintext is refused outright.
TEST(ClientsTlsTest, ExampleClientsPresentTheirIdentity) {
  TempDir dir;
  const std::string tls = dir.path() + "/tls";
  ASSERT_EQ(std::system(absl::StrCat("bash " OUTREACH_SOURCE
                                     "/scripts/dev_tls.sh ",
                                     tls, " >/dev/null")
                            .c_str()),
            0);
  Suite suite({OUTREACH_EVENTS_SERVER, OUTREACH_PARTICIPANTS_SERVER,
               OUTREACH_RECOMMENDATIONS_SERVER, OUTREACH_GATEWAY_SERVER},
              dir.path());
  suite.UseTls(tls, OUTREACH_SOURCE "/deploy/k8s/base/authz");
  std::string error;
  ASSERT_TRUE(suite.Start(&error)) << error;
  struct Client {
    std::string name;
    std::vector<std::string> argv;
  };
  const std::vector<Client> clients = {
      {"python",
       {"/usr/bin/python3", OUTREACH_SOURCE "/clients/python/outreach_client.py",
        "--stubs", OUTREACH_PYTHON_STUBS}},
      {"node", {OUTREACH_NODE, OUTREACH_SOURCE "/clients/node/outreach_client.js"}},
  };
  for (const Client& c : clients) {
    SCOPED_TRACE(c.name);
    auto run = [&](const std::string& tag, std::vector<std::string> extra) {
      std::vector<std::string> argv = c.argv;
      for (auto& e : {std::string("--address"), suite.gateway().address(),
                      std::string("--tls-dir"), tls, std::string("--note"),
                      std::string(kSeedNote), std::string("--timeout"),
                      std::string("10")}) {
        argv.push_back(e);
      }
      argv.insert(argv.end(), extra.begin(), extra.end());
      const std::string log = absl::StrCat(dir.path(), "/", c.name, "-", tag, ".log");
      Subprocess p;
      EXPECT_TRUE(p.Start(argv, log));
      const int code = p.Wait(absl::Seconds(60)).value_or(-1);
      return std::make_pair(code, ReadFile(log));
    };
    auto [editor_code, editor_out] = run("editor", {});
    EXPECT_EQ(editor_code, 0) << editor_out;
    EXPECT_THAT(editor_out, HasSubstr("5 outcomes"));
    auto [viewer_code, viewer_out] = run("viewer", {"--identity", "viewer"});
    EXPECT_EQ(viewer_code, 1) << viewer_out;
    EXPECT_THAT(viewer_out, HasSubstr("PERMISSION_DENIED"));
    auto [plain_code, plain_out] = run("plaintext", {"--tls", "off"});
    EXPECT_EQ(plain_code, 1) << plain_out;
    EXPECT_THAT(plain_out, HasSubstr("UNAVAILABLE"));
  }
}

}  // namespace
}  // namespace outreach::testing
