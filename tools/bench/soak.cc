// The soak (scripts/bench.sh --soak MINUTES): the whole suite on loopback,
// under mixed load for MINUTES, while faults are injected on a schedule:
// Redis restarted (empty), flushed and frozen, and each backend and the
// gateway killed with SIGKILL and restarted. It then checks every write
// that was acknowledged, and writes a Markdown report:
//
// - lost acknowledged writes: an event whose create or title update was
//   acknowledged, but which is missing or holds an older title at the end;
// - stale reads: a read (of the event, or of its note through the
//   gateway) that began after an update was acknowledged and still shows
//   an older title;
// - answers by operation and gRPC code, and latency percentiles.
//
// Each writer thread owns its events and numbers its titles ("v17"), so
// versions only grow and a read can be judged by the number alone.
//
// This is a benchmark, not a test: it reports; scripts/bench.sh puts the
// report in docs/performance.md. It exits 1 when anything was lost or
// stale.

#include <csignal>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "outreach/events/v1/events.grpc.pb.h"
#include "outreach/gateway/v1/gateway.grpc.pb.h"
#include "tests/testing/records.h"
#include "tests/testing/suite.h"
#include "tests/testing/temp_dir.h"

ABSL_FLAG(double, minutes, 10, "How long the load and the faults run.");
ABSL_FLAG(std::string, report, "", "Where the Markdown report goes; empty "
          "prints it.");
ABSL_FLAG(absl::Duration, fault_every, absl::Seconds(15),
          "Time between two injected faults.");
ABSL_FLAG(int, writers, 2, "Writer threads.");
ABSL_FLAG(int, readers, 4, "Reader threads.");

namespace outreach::soak {
namespace {

namespace ev = ::outreach::events::v1;
namespace gv = ::outreach::gateway::v1;
using testing::Suite;

// One event a writer owns: the last title version acknowledged.
struct Tracked {
  std::string name;
  std::atomic<int64_t> acknowledged{0};
};

struct Stats {
  std::mutex mu;
  std::map<std::string, std::map<std::string, int64_t>> codes;  // op -> code
  std::map<std::string, std::vector<absl::Duration>> latency;   // op, OK only
  int64_t stale = 0;
  std::vector<std::string> stale_examples;
  std::map<std::string, int> faults;

  void Record(const std::string& op, const grpc::Status& s, absl::Duration d) {
    std::lock_guard<std::mutex> lock(mu);
    codes[op][CodeName(s.error_code())]++;
    if (s.ok()) latency[op].push_back(d);
  }
  void Stale(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu);
    ++stale;
    if (stale_examples.size() < 10) stale_examples.push_back(what);
  }
  static std::string CodeName(grpc::StatusCode c) {
    static const char* const kNames[] = {
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
        "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
        "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
        "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE",
        "DATA_LOSS", "UNAUTHENTICATED"};
    const int i = static_cast<int>(c);
    return i >= 0 && i < 17 ? kNames[i] : absl::StrCat(i);
  }
};

std::string Title(const std::string& owner, int64_t version) {
  return absl::StrCat("Soak ", owner, " v", version);
}

// The version in a title made by Title(), or -1.
int64_t VersionOf(const std::string& title) {
  const size_t v = title.rfind(" v");
  int64_t n = -1;
  if (v == std::string::npos || !absl::SimpleAtoi(title.substr(v + 2), &n)) {
    return -1;
  }
  return n;
}

void Deadline(grpc::ClientContext& ctx) {
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
}

std::string Percentiles(std::vector<absl::Duration> v) {
  if (v.empty()) return "| – | – | – | – |";
  std::sort(v.begin(), v.end());
  auto at = [&v](double q) {
    return absl::StrFormat(
        "%.2f", absl::ToDoubleMilliseconds(
                    v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))]));
  };
  return absl::StrCat("| ", at(0.5), " | ", at(0.9), " | ", at(0.99), " | ",
                      at(1.0), " |");
}

int Run() {
  testing::TempDir dir;
  Suite suite(testing::SuiteBinaries{OUTREACH_EVENTS_SERVER,
                                     OUTREACH_PARTICIPANTS_SERVER,
                                     OUTREACH_RECOMMENDATIONS_SERVER,
                                     OUTREACH_GATEWAY_SERVER},
              dir.path());
  std::string error;
  if (!suite.Start(&error)) {
    std::fprintf(stderr, "the suite did not start: %s\n", error.c_str());
    return 2;
  }
  const absl::Duration length =
      absl::Seconds(absl::GetFlag(FLAGS_minutes) * 60);
  const absl::Time start = absl::Now();
  const absl::Time end = start + length;
  Stats stats;
  std::mutex events_mu;
  std::vector<std::unique_ptr<Tracked>> events;  // grows; never shrinks

  std::vector<std::thread> threads;
  for (int w = 0; w < absl::GetFlag(FLAGS_writers); ++w) {
    threads.emplace_back([&, w] {
      std::mt19937 rng(w);
      auto stub = ev::EventsService::NewStub(suite.events().NewChannel());
      std::vector<Tracked*> mine;
      int64_t made = 0;
      while (absl::Now() < end) {
        if (mine.size() < 20 || rng() % 10 == 0) {
          // Create, with a request id, so that a retry is safe.
          const std::string owner = absl::StrCat(w, "-", made++);
          ev::CreateEventRequest req;
          *req.mutable_event() = testing::HeldWorkshop(Title(owner, 1));
          req.set_request_id(absl::StrFormat(
              "00000000-0000-4000-8000-%04x%08x", w, made));
          grpc::ClientContext ctx;
          Deadline(ctx);
          ev::Event out;
          const absl::Time t = absl::Now();
          const grpc::Status s = stub->CreateEvent(&ctx, req, &out);
          stats.Record("CreateEvent", s, absl::Now() - t);
          // A moment's pause after a failure, as a client would, so that a
          // process that is down is not counted thousands of times.
          if (!s.ok()) absl::SleepFor(absl::Milliseconds(20));
          if (s.ok()) {
            auto tracked = std::make_unique<Tracked>();
            tracked->name = out.name();
            tracked->acknowledged = 1;
            mine.push_back(tracked.get());
            std::lock_guard<std::mutex> lock(events_mu);
            events.push_back(std::move(tracked));
          }
          continue;
        }
        Tracked* e = mine[rng() % mine.size()];
        // The next version: above any that may have been written without
        // an answer.
        const int64_t next = e->acknowledged + 1 + (rng() % 2);
        ev::UpdateEventRequest req;
        req.mutable_event()->set_name(e->name);
        req.mutable_event()->set_title(
            Title(e->name.substr(e->name.find('/') + 1), next));
        req.mutable_update_mask()->add_paths("title");
        grpc::ClientContext ctx;
        Deadline(ctx);
        ev::Event out;
        const absl::Time t = absl::Now();
        const grpc::Status s = stub->UpdateEvent(&ctx, req, &out);
        stats.Record("UpdateEvent", s, absl::Now() - t);
        if (s.ok()) e->acknowledged = next;
        if (!s.ok()) absl::SleepFor(absl::Milliseconds(20));
      }
    });
  }
  for (int r = 0; r < absl::GetFlag(FLAGS_readers); ++r) {
    threads.emplace_back([&, r] {
      std::mt19937 rng(100 + r);
      auto events_stub = ev::EventsService::NewStub(suite.events().NewChannel());
      auto gateway = gv::GatewayService::NewStub(suite.gateway().NewChannel());
      while (absl::Now() < end) {
        Tracked* e = nullptr;
        {
          std::lock_guard<std::mutex> lock(events_mu);
          if (!events.empty()) e = events[rng() % events.size()].get();
        }
        if (e == nullptr) {
          absl::SleepFor(absl::Milliseconds(10));
          continue;
        }
        const int64_t floor = e->acknowledged;
        std::string title;
        std::string op;
        const absl::Time t = absl::Now();
        grpc::Status s;
        if (r % 2 == 0) {
          op = "GetInformationNote";
          gv::GetInformationNoteRequest req;
          req.set_event(e->name);
          grpc::ClientContext ctx;
          Deadline(ctx);
          gv::InformationNote note;
          s = gateway->GetInformationNote(&ctx, req, &note);
          title = note.event().title();
        } else {
          op = "GetEvent";
          ev::GetEventRequest req;
          req.set_name(e->name);
          grpc::ClientContext ctx;
          Deadline(ctx);
          ev::Event out;
          s = events_stub->GetEvent(&ctx, req, &out);
          title = out.title();
        }
        stats.Record(op, s, absl::Now() - t);
        if (!s.ok()) absl::SleepFor(absl::Milliseconds(20));
        if (s.ok() && VersionOf(title) < floor) {
          stats.Stale(absl::StrCat(op, " of ", e->name, " read \"", title,
                                   "\" after v", floor, " was acknowledged"));
        }
      }
    });
  }
  // The faults, one after another, on this thread: a restarted process
  // dies with the thread that started it (PR_SET_PDEATHSIG), so the
  // thread that outlives the soak starts them.
  [&] {
    const char* const kinds[] = {
        "redis restart", "kill -9 events", "redis flush",
        "kill -9 participants", "redis freeze 2s", "kill -9 gateway",
        "kill -9 recommendations"};
    for (int i = 0;; ++i) {
      const absl::Time next = start + absl::GetFlag(FLAGS_fault_every) * (i + 1);
      if (next >= end - absl::Seconds(5)) break;
      absl::SleepFor(next - absl::Now());
      const std::string kind = kinds[i % 7];
      auto kill_and_restart = [](testing::ServiceProcess& p) {
        p.process().Signal(SIGKILL);
        (void)p.process().Wait(absl::Seconds(5));
        for (int tries = 0; tries < 5 && !p.Start(); ++tries) {
          absl::SleepFor(absl::Milliseconds(200));
        }
      };
      if (kind == "redis restart") {
        suite.redis().Stop();
        suite.redis().Start();
      } else if (kind == "redis flush") {
        suite.redis().Command("FLUSHALL");
      } else if (kind == "redis freeze 2s") {
        suite.redis().Freeze();
        absl::SleepFor(absl::Seconds(2));
        suite.redis().Thaw();
      } else if (kind == "kill -9 events") {
        kill_and_restart(suite.events());
      } else if (kind == "kill -9 participants") {
        kill_and_restart(suite.participants());
      } else if (kind == "kill -9 recommendations") {
        kill_and_restart(suite.recommendations());
      } else if (kind == "kill -9 gateway") {
        kill_and_restart(suite.gateway());
      }
      std::lock_guard<std::mutex> lock(stats.mu);
      stats.faults[kind]++;
    }
  }();
  for (auto& t : threads) t.join();

  // Every acknowledged write, checked once the load has stopped.
  auto stub = ev::EventsService::NewStub(suite.events().NewChannel());
  int64_t lost = 0, acknowledged_writes = 0;
  std::vector<std::string> lost_examples;
  for (const auto& e : events) {
    ev::GetEventRequest req;
    req.set_name(e->name);
    ev::Event out;
    grpc::Status s;
    for (int tries = 0; tries < 20; ++tries) {
      grpc::ClientContext ctx;
      Deadline(ctx);
      s = stub->GetEvent(&ctx, req, &out);
      if (s.error_code() != grpc::StatusCode::UNAVAILABLE) break;
      absl::SleepFor(absl::Milliseconds(250));
    }
    if (!s.ok() || VersionOf(out.title()) < e->acknowledged) {
      ++lost;
      if (lost_examples.size() < 10) {
        lost_examples.push_back(absl::StrCat(
            e->name, ": ", s.ok() ? out.title() : s.error_message(),
            " (acknowledged v", e->acknowledged.load(), ")"));
      }
    }
  }
  // Answers that would mean a bug rather than a fault's defined answer.
  int64_t server_errors = 0;
  {
    std::lock_guard<std::mutex> lock(stats.mu);
    for (const char* op : {"CreateEvent", "UpdateEvent"}) {
      acknowledged_writes += stats.codes[op]["OK"];
    }
    for (auto& [op, codes] : stats.codes) {
      for (const char* bad : {"INTERNAL", "UNKNOWN", "DATA_LOSS"}) {
        auto it = codes.find(bad);
        if (it != codes.end()) server_errors += it->second;
      }
    }
  }

  std::string md = absl::StrCat(
      "## Soak\n\n",
      "`scripts/bench.sh --soak ", absl::GetFlag(FLAGS_minutes),
      "` (tools/bench/soak.cc): the suite on SQLite and Redis, ",
      absl::GetFlag(FLAGS_writers), " writer and ",
      absl::GetFlag(FLAGS_readers),
      " reader threads for ", absl::FormatDuration(absl::Now() - start),
      ", a fault every ", absl::FormatDuration(absl::GetFlag(FLAGS_fault_every)),
      ". Writers create events (with request ids) and update their titles "
      "through the events service; readers read the events and their notes "
      "through the gateway. A read is stale when it shows an older title "
      "than one acknowledged before it began; a write is lost when, at the "
      "end, its event is missing or older than acknowledged.\n\n",
      "| Result | Count |\n|---|---|\n",
      "| Acknowledged writes | ", acknowledged_writes, " |\n",
      "| **Lost acknowledged writes** | **", lost, "** |\n",
      "| **Stale reads** | **", stats.stale, "** |\n",
      "| Answers INTERNAL, UNKNOWN or DATA_LOSS | ", server_errors, " |\n");
  absl::StrAppend(&md, "\nFaults injected:\n\n| Fault | Times |\n|---|---|\n");
  for (const auto& [kind, n] : stats.faults) {
    absl::StrAppend(&md, "| ", kind, " | ", n, " |\n");
  }
  absl::StrAppend(&md,
                  "\nAnswers by operation and code. The errors are calls "
                  "made while a process was down or restarting (each client "
                  "pauses 20ms after one).\n\n"
                  "| Operation | Code | Calls |\n|---|---|---|\n");
  for (const auto& [op, codes] : stats.codes) {
    for (const auto& [code, n] : codes) {
      absl::StrAppend(&md, "| ", op, " | ", code, " | ", n, " |\n");
    }
  }
  absl::StrAppend(&md,
                  "\nLatency of successful calls, milliseconds, over the "
                  "whole soak (faults included):\n\n"
                  "| Operation | p50 | p90 | p99 | max |\n|---|---|---|---|---|\n");
  for (const auto& [op, v] : stats.latency) {
    absl::StrAppend(&md, "| ", op, " ", Percentiles(v), "\n");
  }
  for (const auto& s : stats.stale_examples) {
    absl::StrAppend(&md, "\nStale: ", s, "\n");
  }
  for (const auto& s : lost_examples) absl::StrAppend(&md, "\nLost: ", s, "\n");
  const std::string path = absl::GetFlag(FLAGS_report);
  if (path.empty()) {
    std::fputs(md.c_str(), stdout);
  } else {
    std::ofstream(path) << md;
  }
  std::fprintf(stderr, "soak: %lld acknowledged writes, %lld lost, %lld stale\n",
               static_cast<long long>(acknowledged_writes),
               static_cast<long long>(lost),
               static_cast<long long>(stats.stale));
  return lost == 0 && stats.stale == 0 && server_errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace outreach::soak

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return outreach::soak::Run();
}
