// Faults and overload against real processes (issue 18): each fault gets a
// defined answer within its deadline, and nothing acknowledged is lost or
// read stale.
//
// - a store killed with SIGKILL 100 times under write load;
// - Redis restarted, flushed and frozen while events are updated and their
//   notes read through the gateway;
// - 64 concurrent requests of the maximum size;
// - 5,000 idle connections.
//
// The gateway's stalled backend and the full disk are in
// gateway_integration_test.cc and events_integration_test.cc; SIGTERM with
// calls in flight in events_integration_test.cc.

#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/field_mask.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "outreach/events/v1/events.grpc.pb.h"
#include "outreach/gateway/v1/gateway.grpc.pb.h"
#include "tests/testing/http_get.h"
#include "tests/testing/service_process.h"
#include "tests/testing/records.h"
#include "tests/testing/suite.h"

namespace outreach::testing {
namespace {

namespace ev = ::outreach::events::v1;
namespace gv = ::outreach::gateway::v1;

void Deadline(grpc::ClientContext& ctx, absl::Duration d = absl::Seconds(5)) {
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + d));
}

// The process's peak resident memory, in bytes, from /proc.
int64_t PeakRss(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, "VmHWM:")) {
      std::vector<std::string> parts =
          absl::StrSplit(line, ' ', absl::SkipEmpty());
      int64_t kb = 0;
      if (parts.size() >= 2 && absl::SimpleAtoi(parts[1], &kb)) {
        return kb * 1024;
      }
    }
  }
  return -1;
}

class FaultsTest : public ::testing::Test {
 protected:
  std::unique_ptr<ServiceProcess> StandaloneEvents(
      std::vector<std::string> extra = {}) {
    std::vector<std::string> flags = {"--db_path=" + dir_.path() + "/events.db",
                                      "--participants_address=",
                                      "--recommendations_address="};
    flags.insert(flags.end(), extra.begin(), extra.end());
    return std::make_unique<ServiceProcess>(
        OUTREACH_EVENTS_SERVER, flags,
        absl::StrCat(dir_.path(), "/events-", ++logs_, ".log"));
  }
  TempDir dir_;
  int logs_ = 0;
};

// kill -9 of the store, 100 times, while two clients write as fast as they
// can: every write the store acknowledged is there after it comes back.
TEST_F(FaultsTest, KillNineCyclesLoseNoAcknowledgedWrite) {
  auto events = StandaloneEvents();
  std::set<std::string> acknowledged;
  std::mutex mu;
  int attempts = 0;
  for (int cycle = 0; cycle < 100; ++cycle) {
    ASSERT_TRUE(events->Start()) << "cycle " << cycle << ": " << events->log();
    auto stub = ev::EventsService::NewStub(events->NewChannel());
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 2; ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0; !stop; ++i) {
          ev::CreateEventRequest req;
          *req.mutable_event() = HeldWorkshop(absl::StrCat("K ", cycle, " ", w, " ", i));
          grpc::ClientContext ctx;
          Deadline(ctx, absl::Seconds(2));
          ev::Event out;
          const grpc::Status s = stub->CreateEvent(&ctx, req, &out);
          std::lock_guard<std::mutex> lock(mu);
          ++attempts;
          if (s.ok()) acknowledged.insert(out.name());
          if (!s.ok() && stop) return;
        }
      });
    }
    // Somewhere in the middle of the writes.
    absl::SleepFor(absl::Milliseconds(20 + (cycle * 7) % 40));
    events->process().Signal(SIGKILL);
    ASSERT_TRUE(events->process().Wait(absl::Seconds(5)).has_value());
    stop = true;
    for (auto& t : writers) t.join();
  }
  ASSERT_TRUE(events->Start()) << events->log();
  auto stub = ev::EventsService::NewStub(events->NewChannel());
  int lost = 0;
  for (const std::string& name : acknowledged) {
    ev::GetEventRequest req;
    req.set_name(name);
    grpc::ClientContext ctx;
    Deadline(ctx);
    ev::Event out;
    const grpc::Status s = stub->GetEvent(&ctx, req, &out);
    if (!s.ok()) {
      ++lost;
      ADD_FAILURE() << name << ": " << s.error_code() << " " << s.error_message();
    }
  }
  EXPECT_EQ(lost, 0);
  EXPECT_GT(acknowledged.size(), 100u) << "too few writes to show anything";
  std::cerr << attempts << " writes attempted, " << acknowledged.size()
            << " acknowledged, " << lost << " lost, over 100 kill -9\n";
}

// An event is updated and its note read back through the gateway, round
// after round, while Redis is restarted (empty), flushed, and frozen: no
// read after an acknowledged update shows the title from before it.
TEST_F(FaultsTest, RedisFaultsUnderLoadGiveNoStaleRead) {
  Suite suite(SuiteBinaries{OUTREACH_EVENTS_SERVER,
                            OUTREACH_PARTICIPANTS_SERVER,
                            OUTREACH_RECOMMENDATIONS_SERVER,
                            OUTREACH_GATEWAY_SERVER},
              dir_.path());
  std::string error;
  ASSERT_TRUE(suite.Start(&error)) << error;
  auto events = ev::EventsService::NewStub(suite.events().NewChannel());
  auto gateway = gv::GatewayService::NewStub(suite.gateway().NewChannel());
  ev::Event event;
  {
    ev::CreateEventRequest req;
    *req.mutable_event() = HeldWorkshop("Round start");
    grpc::ClientContext ctx;
    Deadline(ctx);
    ASSERT_TRUE(events->CreateEvent(&ctx, req, &event).ok());
  }
  int stale = 0, failed = 0;
  std::string acknowledged = "Round start";
  // Reads the note twice (the first may fill the composite cache, the
  // second may be served from it) and counts what is not `acknowledged`.
  auto read_back = [&](int round) {
    for (int read = 0; read < 2; ++read) {
      gv::GetInformationNoteRequest req;
      req.set_event(event.name());
      grpc::ClientContext ctx;
      Deadline(ctx);
      gv::InformationNote note;
      const grpc::Status s = gateway->GetInformationNote(&ctx, req, &note);
      if (!s.ok()) {
        ++failed;
        ADD_FAILURE() << round << ": " << s.error_message();
      } else if (note.event().title() != acknowledged) {
        ++stale;
        ADD_FAILURE() << round << ": read \"" << note.event().title()
                      << "\" after \"" << acknowledged
                      << "\" was acknowledged";
      }
    }
  };
  for (int round = 0; round < 160; ++round) {
    switch (round) {
      case 20: suite.redis().Stop(); break;
      case 30: ASSERT_TRUE(suite.redis().Start()); break;  // empty
      case 60: suite.redis().Command("FLUSHALL"); break;
      case 90: suite.redis().Freeze(); break;
      case 100: suite.redis().Thaw(); break;
      case 130: suite.redis().Stop(); ASSERT_TRUE(suite.redis().Start()); break;
      default: break;
    }
    // Right after the fault, before any write can deliver a missed bump.
    read_back(round);
    const std::string title = absl::StrCat("Round ", round);
    ev::UpdateEventRequest update;
    update.mutable_event()->set_name(event.name());
    update.mutable_event()->set_title(title);
    update.mutable_update_mask()->add_paths("title");
    grpc::ClientContext uctx;
    Deadline(uctx);
    ev::Event updated;
    const grpc::Status us = events->UpdateEvent(&uctx, update, &updated);
    ASSERT_TRUE(us.ok()) << round << ": " << us.error_message();
    acknowledged = title;
    read_back(round);
  }
  EXPECT_EQ(stale, 0);
  EXPECT_EQ(failed, 0);
}

// The events store held by another writer (a lock on its file), and 48
// creates at once: at most --db_max_queued_writes wait, the rest are
// refused at once, and reads and health checks on the same port are
// served all the while: waiting writes never take the serving threads.
TEST_F(FaultsTest, WritesQueuedBehindALockStarveNoRead) {
  auto events = StandaloneEvents({"--db_busy_timeout=10s"});
  ASSERT_TRUE(events->Start()) << events->log();
  auto stub = ev::EventsService::NewStub(events->NewChannel());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_.path() + "/events.db").c_str(), &db),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr),
            SQLITE_OK);
  std::atomic<int> refused{0}, timed_out{0}, other{0};
  absl::Mutex other_mu;
  std::string others;  // guarded by other_mu
  // Every writer's connection is made before any write goes out: what is
  // measured is the store's queue, not 48 connects at once, one of which
  // the loaded machine of a CI run once failed (UNAVAILABLE, not a code
  // the server chose).
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < 48; ++i) {
    channels.push_back(events->NewChannel());
    ASSERT_TRUE(channels.back()->WaitForConnected(
        std::chrono::system_clock::now() + std::chrono::seconds(10)))
        << "writer " << i << " could not connect";
  }
  std::vector<std::thread> writers;
  for (int i = 0; i < 48; ++i) {
    writers.emplace_back([&, i] {
      auto own = ev::EventsService::NewStub(channels[i]);
      ev::CreateEventRequest req;
      *req.mutable_event() = HeldWorkshop(absl::StrCat("Queued ", i));
      grpc::ClientContext ctx;
      Deadline(ctx, absl::Seconds(3));
      ev::Event out;
      const grpc::Status s = own->CreateEvent(&ctx, req, &out);
      if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        ++refused;
      } else if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
        ++timed_out;
      } else {
        ++other;
        absl::MutexLock lock(&other_mu);
        absl::StrAppend(&others, s.error_code(), " ", s.error_message(),
                        "\n");
      }
    });
  }
  // While the writes wait: reads and health, on the main port.
  auto queued = WaitForSeries(
      events->metrics_port(), "outreach_server_in_flight",
      [](double v) { return v >= 17; });
  EXPECT_TRUE(queued.ok()) << queued.status();
  int reads_ok = 0;
  for (int i = 0; i < 20; ++i) {
    ev::ListEventsRequest list;
    grpc::ClientContext ctx;
    Deadline(ctx, absl::Seconds(1));
    ev::ListEventsResponse resp;
    const grpc::Status s = stub->ListEvents(&ctx, list, &resp);
    EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
    reads_ok += s.ok();
    EXPECT_EQ(HealthStatus(events->NewChannel(), ""), "SERVING");
  }
  for (auto& t : writers) t.join();
  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_EQ(reads_ok, 20);
  // One holds the writer, 16 queue (--db_max_queued_writes); the other 31
  // are refused at once.
  EXPECT_EQ(refused, 31);
  EXPECT_EQ(timed_out, 17);
  EXPECT_EQ(other, 0) << others;
}

// 64 requests of the maximum size at once: refused or answered, the store
// stays far below its pod's 256 MiB, and health answers fast throughout.
TEST_F(FaultsTest, MaximumSizeRequestsAtOnceNeitherExhaustMemoryNorProbes) {
  auto events = StandaloneEvents();
  ASSERT_TRUE(events->Start()) << events->log();
  const int64_t rss_before = PeakRss(events->process().pid());
  auto channel = events->NewChannel();
  std::atomic<bool> done{false};
  std::atomic<int> answered{0};
  absl::Mutex other_mu;
  std::string others;  // guarded by other_mu
  std::vector<std::thread> senders;
  const std::string big(3900 * 1000, 'x');
  for (int i = 0; i < 64; ++i) {
    senders.emplace_back([&] {
      auto stub = ev::EventsService::NewStub(events->NewChannel());
      ev::CreateEventRequest req;
      *req.mutable_event() = HeldWorkshop(big);
      grpc::ClientContext ctx;
      Deadline(ctx, absl::Seconds(30));
      ev::Event out;
      const grpc::Status s = stub->CreateEvent(&ctx, req, &out);
      if (s.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
          s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        ++answered;
      } else {
        absl::MutexLock lock(&other_mu);
        absl::StrAppend(&others, s.error_code(), " ", s.error_message(),
                        "\n");
      }
    });
  }
  // Probe the health port, as Kubernetes does, while they arrive.
  auto probe_channel = grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", events->health_port()),
      grpc::InsecureChannelCredentials());
  std::vector<absl::Duration> probes;
  std::thread prober([&] {
    while (!done) {
      const absl::Time start = absl::Now();
      const std::string status = HealthStatus(probe_channel, "");
      probes.push_back(status == "SERVING" ? absl::Now() - start
                                           : absl::InfiniteDuration());
      absl::SleepFor(absl::Milliseconds(20));
    }
  });
  for (auto& t : senders) t.join();
  done = true;
  prober.join();
  EXPECT_EQ(answered, 64) << others;
  ASSERT_FALSE(probes.empty());
  std::sort(probes.begin(), probes.end());
  const absl::Duration median = probes[probes.size() / 2];
  const absl::Duration worst = probes.back();
  // Asserted: every probe answered, within two seconds, well inside the
  // 5 s timeoutSeconds of deploy/k8s/base's probes. The median is reported,
  // not asserted: on two cores shared with the 64 senders and other tests it
  // ranges from about 30 to 300 ms; a health server starved of threads would
  // not answer at all. (The bound was 1 s: on 2026-12-02 the worst probe
  // measured 0.45-0.99 s with the events server of commit 978186a and
  // 0.31-1.18 s with later ones, so it failed by noise, not by starvation.)
  EXPECT_LT(worst, absl::Seconds(2));
  const int64_t rss = PeakRss(events->process().pid());
  // Below the pod's 256 MiB limit: an OOM kill would restart the store.
  EXPECT_LT(rss, int64_t{256} << 20) << "peak RSS " << rss;
  EXPECT_TRUE(events->process().running());
  std::cerr << "64 x 3.9 MB: peak RSS " << (rss_before >> 20) << " -> "
            << (rss >> 20) << " MiB; health probes " << probes.size()
            << ", median " << absl::FormatDuration(median) << ", worst "
            << absl::FormatDuration(worst) << "\n";
}

// 5,000 idle HTTP/2 connections: calls on another connection still
// succeed, at about their usual latency.
TEST_F(FaultsTest, FiveThousandIdleConnectionsLeaveCallsUnaffected) {
  constexpr int kIdle = 5000;
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_max < kIdle + 1000) {
    GTEST_SKIP() << "RLIMIT_NOFILE's hard limit is " << limit.rlim_max;
  }
  // For this process's sockets, and the server's, which inherits it.
  limit.rlim_cur = limit.rlim_max;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
  auto events = StandaloneEvents();
  ASSERT_TRUE(events->Start()) << events->log();
  auto stub = ev::EventsService::NewStub(events->NewChannel());
  auto timed_calls = [&stub](int n) {
    std::vector<absl::Duration> took;
    for (int i = 0; i < n; ++i) {
      ev::CreateEventRequest req;
      *req.mutable_event() = HeldWorkshop(absl::StrCat("Idle ", i));
      grpc::ClientContext ctx;
      Deadline(ctx);
      ev::Event out;
      const absl::Time start = absl::Now();
      const grpc::Status s = stub->CreateEvent(&ctx, req, &out);
      EXPECT_TRUE(s.ok()) << s.error_message();
      took.push_back(absl::Now() - start);
    }
    std::sort(took.begin(), took.end());
    return took[took.size() / 2];
  };
  const absl::Duration before = timed_calls(100);

  // Each connection sends the HTTP/2 preface and an empty SETTINGS frame,
  // as a client does, and then nothing.
  static constexpr char kPreface[] =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00";
  std::vector<int> sockets;
  sockets.reserve(kIdle);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(events->port()));
  for (int i = 0; i < kIdle; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0) << "socket " << i;
    sockets.push_back(fd);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0)
        << "connect " << i;
    ASSERT_EQ(send(fd, kPreface, sizeof(kPreface) - 1, MSG_NOSIGNAL),
              static_cast<ssize_t>(sizeof(kPreface) - 1));
  }
  const absl::Duration during = timed_calls(100);
  EXPECT_TRUE(events->process().running());
  EXPECT_EQ(HealthStatus(events->NewChannel(), ""), "SERVING");
  for (int fd : sockets) close(fd);
  // Within a few milliseconds of the usual, whatever the machine.
  EXPECT_LT(during, before * 3 + absl::Milliseconds(5));
  std::cerr << "median create: " << absl::FormatDuration(before)
            << " alone, " << absl::FormatDuration(during) << " beside "
            << kIdle << " idle connections\n";
}

}  // namespace
}  // namespace outreach::testing
