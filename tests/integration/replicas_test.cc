// Replicas of the events service that act as one service: real
// events_server processes on one real PostgreSQL 15 server and one real
// redis-server, on loopback, without TLS (issue 14's "done when").

#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "outreach/events/v1/events.grpc.pb.h"
#include "outreach/participants/v1/participants.grpc.pb.h"
#include "services/events/sql_event_store.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/redis_server.h"
#include "tests/testing/service_process.h"
#include "tests/testing/temp_dir.h"

namespace outreach::testing {
namespace {

using outreach::events::v1::CreateEventRequest;
using outreach::events::v1::Event;
using outreach::events::v1::EventsService;
using outreach::events::v1::GetEventRequest;
using outreach::events::v1::ListEventsRequest;
using outreach::events::v1::ListEventsResponse;
using outreach::events::v1::UpdateEventRequest;
namespace pv = outreach::participants::v1;

Event Workshop(const std::string& title) {
  Event e;
  e.set_title(title);
  e.set_kind(outreach::events::v1::EVENT_KIND_REGIONAL_WORKSHOP);
  e.set_status(outreach::events::v1::EVENT_STATUS_HELD);
  e.mutable_start_date()->set_year(2024);
  e.mutable_start_date()->set_month(5);
  e.mutable_start_date()->set_day(14);
  e.mutable_venue()->set_country_code("MD");
  e.mutable_venue()->set_city("Chisinau");
  e.set_contact_email("1540experts@un.org");
  return e;
}

void Deadline(grpc::ClientContext& ctx) {
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
}

// One replica and its stub.
struct Replica {
  std::unique_ptr<ServiceProcess> process;
  std::unique_ptr<EventsService::Stub> stub;

  grpc::Status Create(const Event& e, Event* out,
                      const std::string& request_id = "",
                      const std::string& event_id = "") {
    grpc::ClientContext ctx;
    Deadline(ctx);
    CreateEventRequest req;
    *req.mutable_event() = e;
    req.set_request_id(request_id);
    req.set_event_id(event_id);
    return stub->CreateEvent(&ctx, req, out);
  }
  grpc::Status Get(const std::string& name, Event* out) {
    grpc::ClientContext ctx;
    Deadline(ctx);
    GetEventRequest req;
    req.set_name(name);
    return stub->GetEvent(&ctx, req, out);
  }
  grpc::Status SetTitle(const std::string& name, const std::string& title,
                        const std::string& etag, Event* out) {
    grpc::ClientContext ctx;
    Deadline(ctx);
    UpdateEventRequest req;
    req.mutable_event()->set_name(name);
    req.mutable_event()->set_title(title);
    req.mutable_event()->set_etag(etag);
    req.mutable_update_mask()->add_paths("title");
    return stub->UpdateEvent(&ctx, req, out);
  }
  grpc::Status List(ListEventsResponse* out) {
    grpc::ClientContext ctx;
    Deadline(ctx);
    ListEventsRequest req;
    req.set_page_size(1000);
    return stub->ListEvents(&ctx, req, out);
  }
};

class ReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    postgres_ = std::make_unique<PostgresServer>(dir_.path());
    const absl::Status started = postgres_->Start();
    ASSERT_TRUE(started.ok()) << started;
    ASSERT_TRUE(postgres_->Psql("CREATE DATABASE events OWNER outreach").ok());
    redis_ = std::make_unique<RedisServer>(dir_.path());
    ASSERT_TRUE(redis_->Start()) << ReadFile(dir_.path() + "/redis.log");
  }

  // A replica not yet started.
  Replica MakeReplica(const std::string& database = "events") {
    const int n = made_++;
    Replica r;
    r.process = std::make_unique<ServiceProcess>(
        OUTREACH_EVENTS_SERVER,
        std::vector<std::string>{
            "--database_url=" + postgres_->url(database),
            "--redis_address=" + redis_->address(), "--redis_timeout=100ms",
            // Alone: no other service to ask on delete.
            "--participants_address=", "--recommendations_address=",
            "--db_path=" + dir_.path() + "/unused.db"},
        absl::StrCat(dir_.path(), "/events-", n, ".log"));
    return r;
  }

  Replica StartReplica() {
    Replica r = MakeReplica();
    EXPECT_TRUE(r.process->Start()) << r.process->log();
    r.stub = EventsService::NewStub(r.process->NewChannel());
    return r;
  }

  TempDir dir_;
  std::unique_ptr<PostgresServer> postgres_;
  std::unique_ptr<RedisServer> redis_;
  int made_ = 0;
};

// Issue 14's "done when": a write acknowledged by one replica is read at
// once from the other, in 200 alternating rounds, through the shared Redis
// cache (both replicas read the event before each write, so each holds it
// cached when the other writes).
TEST_F(ReplicasTest, AWriteOnOneReplicaIsReadAtOnceOnTheOther) {
  Replica a = StartReplica();
  Replica b = StartReplica();
  Event created;
  ASSERT_TRUE(a.Create(Workshop("Round 0"), &created).ok());
  std::string etag = created.etag();
  int stale = 0;
  for (int round = 1; round <= 200; ++round) {
    Replica& writer = round % 2 == 1 ? a : b;
    Replica& reader = round % 2 == 1 ? b : a;
    // Warm both replicas' view of the event (cache-aside fills).
    Event seen;
    ASSERT_TRUE(reader.Get(created.name(), &seen).ok());
    ASSERT_TRUE(writer.Get(created.name(), &seen).ok());
    const std::string title = absl::StrCat("Round ", round);
    Event updated;
    const grpc::Status s = writer.SetTitle(created.name(), title, etag, &updated);
    ASSERT_TRUE(s.ok()) << round << ": " << s.error_message();
    etag = updated.etag();
    Event read;
    ASSERT_TRUE(reader.Get(created.name(), &read).ok());
    if (read.title() != title || read.etag() != etag) {
      ++stale;
      ADD_FAILURE() << "round " << round << ": read '" << read.title()
                    << "' at " << read.etag() << " after '" << title
                    << "' at " << etag << " was acknowledged";
    }
  }
  EXPECT_EQ(stale, 0);
}

// The survivor keeps serving reads and writes after the other replica is
// killed with SIGKILL.
TEST_F(ReplicasTest, TheSurvivorKeepsServingAfterTheOtherIsKilled) {
  Replica a = StartReplica();
  Replica b = StartReplica();
  Event before;
  ASSERT_TRUE(a.Create(Workshop("Written on A"), &before).ok());
  a.process->process().Signal(SIGKILL);
  ASSERT_TRUE(a.process->process().Wait(absl::Seconds(10)).has_value());

  Event read;
  ASSERT_TRUE(b.Get(before.name(), &read).ok());
  EXPECT_EQ(read.title(), "Written on A");
  Event renamed;
  ASSERT_TRUE(b.SetTitle(before.name(), "Renamed on B", read.etag(), &renamed)
                  .ok());
  Event created;
  ASSERT_TRUE(b.Create(Workshop("Written on B"), &created).ok());
  ListEventsResponse all;
  ASSERT_TRUE(b.List(&all).ok());
  std::set<std::string> titles;
  for (const auto& e : all.events()) titles.insert(e.title());
  EXPECT_EQ(titles, (std::set<std::string>{"Renamed on B", "Written on B"}));
}

// Concurrent creates with one request id, one on each replica, make one
// event: the second is a replay of the first, whichever commits first.
// Half name their event (event_id), half let the service choose.
TEST_F(ReplicasTest, ConcurrentCreatesWithOneRequestIdMakeOneEvent) {
  Replica a = StartReplica();
  Replica b = StartReplica();
  constexpr int kPairs = 40;
  for (int i = 0; i < kPairs; ++i) {
    const std::string request_id =
        absl::StrFormat("3f2b8c1e-0000-4000-8000-%012d", i);
    const std::string event_id = i % 2 == 0 ? absl::StrCat("pair-", i) : "";
    const Event e = Workshop(absl::StrCat("Pair ", i));
    Event from_a, from_b;
    grpc::Status sa, sb;
    // Both calls leave together, so that their transactions overlap.
    std::atomic<bool> go{false};
    std::thread ta([&] {
      while (!go.load()) {
      }
      sa = a.Create(e, &from_a, request_id, event_id);
    });
    std::thread tb([&] {
      while (!go.load()) {
      }
      sb = b.Create(e, &from_b, request_id, event_id);
    });
    go = true;
    ta.join();
    tb.join();
    ASSERT_TRUE(sa.ok()) << sa.error_message();
    ASSERT_TRUE(sb.ok()) << sb.error_message();
    EXPECT_EQ(from_a.name(), from_b.name()) << "pair " << i;
    EXPECT_EQ(from_a.etag(), from_b.etag()) << "pair " << i;
  }
  ListEventsResponse all;
  ASSERT_TRUE(a.List(&all).ok());
  EXPECT_EQ(all.events_size(), kPairs);
}

// Three replicas started at once on an empty database: one migrates, the
// others wait for its advisory lock and find the schema current; all
// serve, and each migration was applied once.
TEST_F(ReplicasTest, ThreeReplicasStartingTogetherMigrateOnce) {
  std::vector<Replica> replicas;
  for (int i = 0; i < 3; ++i) replicas.push_back(MakeReplica());
  for (auto& r : replicas) ASSERT_TRUE(r.process->Launch());
  for (auto& r : replicas) {
    ASSERT_TRUE(r.process->WaitServing()) << r.process->log();
  }
  auto versions = postgres_->Psql(
      "SELECT count(*), count(DISTINCT version), max(version) "
      "FROM schema_migrations",
      "events");
  ASSERT_TRUE(versions.ok()) << versions.status();
  // Each of the binary's migrations once.
  const size_t n =
      outreach::events::SqlEventStore::Migrations().postgres.size();
  EXPECT_EQ(std::string(absl::StripAsciiWhitespace(*versions)),
            absl::StrFormat("%d|%d|%d", n, n, n));
  int migrated = 0;
  for (auto& r : replicas) {
    if (r.process->log().find("\"migrated the database\"") !=
        std::string::npos) {
      ++migrated;
    }
  }
  EXPECT_EQ(migrated, 1);
}

// Two updates with the same etag, one on each replica, at once: exactly
// one wins and the other is told the event changed (ABORTED), in every
// round; the stored title is the winner's.
TEST_F(ReplicasTest, ConcurrentUpdatesWithOneEtagLetExactlyOneWin) {
  Replica a = StartReplica();
  Replica b = StartReplica();
  Event created;
  ASSERT_TRUE(a.Create(Workshop("Round 0"), &created).ok());
  std::string etag = created.etag();
  for (int round = 1; round <= 30; ++round) {
    Event from_a, from_b;
    grpc::Status sa, sb;
    std::atomic<bool> go{false};
    std::thread ta([&] {
      while (!go.load()) {
      }
      sa = a.SetTitle(created.name(), absl::StrCat("A", round), etag, &from_a);
    });
    std::thread tb([&] {
      while (!go.load()) {
      }
      sb = b.SetTitle(created.name(), absl::StrCat("B", round), etag, &from_b);
    });
    go = true;
    ta.join();
    tb.join();
    ASSERT_NE(sa.ok(), sb.ok()) << "round " << round << ": A " << sa.error_code()
                                << " " << sa.error_message() << "; B "
                                << sb.error_code() << " " << sb.error_message();
    const grpc::Status& lost = sa.ok() ? sb : sa;
    EXPECT_EQ(lost.error_code(), grpc::StatusCode::ABORTED)
        << lost.error_message();
    const Event& won = sa.ok() ? from_a : from_b;
    etag = won.etag();
    Event read;
    ASSERT_TRUE(b.Get(created.name(), &read).ok());
    EXPECT_EQ(read.title(), won.title());
  }
}

// An entity created through one participants replica is known at once to
// the other (each keeps its registry in memory, reloaded when the stored
// entities change).
TEST_F(ReplicasTest, AnEntityCreatedOnOneParticipantsReplicaResolvesOnTheOther) {
  ASSERT_TRUE(
      postgres_->Psql("CREATE DATABASE participants OWNER outreach").ok());
  auto start = [&](int n) {
    auto p = std::make_unique<ServiceProcess>(
        OUTREACH_PARTICIPANTS_SERVER,
        std::vector<std::string>{
            "--database_url=" + postgres_->url("participants"),
            "--redis_address=" + redis_->address(),
            "--events_address=127.0.0.1:1"},
        absl::StrCat(dir_.path(), "/participants-", n, ".log"));
    EXPECT_TRUE(p->Start()) << p->log();
    return p;
  };
  auto pa = start(0);
  auto pb = start(1);
  auto a = pv::ParticipantsService::NewStub(pa->NewChannel());
  auto b = pv::ParticipantsService::NewStub(pb->NewChannel());
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE(i);
    const std::string acronym = absl::StrCat("CNS", i);
    pv::CreateEntityRequest create;
    create.mutable_entity()->set_kind(pv::ENTITY_KIND_ORGANIZATION);
    create.mutable_entity()->set_organization_kind(
        pv::ORGANIZATION_KIND_NGO_OR_ACADEMIA);
    create.mutable_entity()->set_display_name(
        absl::StrCat("Center number ", i, " for Nonproliferation Studies"));
    create.mutable_entity()->set_acronym(acronym);
    pv::Entity created;
    {
      grpc::ClientContext ctx;
      Deadline(ctx);
      const grpc::Status s =
          (i % 2 == 0 ? a : b)->CreateEntity(&ctx, create, &created);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
    auto& other = i % 2 == 0 ? b : a;
    {
      grpc::ClientContext ctx;
      Deadline(ctx);
      pv::GetEntityRequest get;
      get.set_name(created.name());
      pv::Entity got;
      const grpc::Status s = other->GetEntity(&ctx, get, &got);
      ASSERT_TRUE(s.ok()) << s.error_message();
      EXPECT_EQ(got.etag(), created.etag());
    }
    {
      grpc::ClientContext ctx;
      Deadline(ctx);
      pv::ResolveEntitiesRequest resolve;
      resolve.add_names()->set_printed_name(acronym);
      pv::ResolveEntitiesResponse resolved;
      ASSERT_TRUE(other->ResolveEntities(&ctx, resolve, &resolved).ok());
      ASSERT_EQ(resolved.resolutions_size(), 1);
      EXPECT_EQ(resolved.resolutions(0).state(),
                pv::RESOLUTION_STATE_RESOLVED);
      EXPECT_EQ(resolved.resolutions(0).entity().name(), created.name());
    }
  }
}

// A database that stops answering (every PostgreSQL process stopped, its
// connections left open) costs a call no more than its deadline, whatever
// the call; readiness turns NOT_SERVING; and once the database answers
// again the same process serves again, with no restart.
TEST_F(ReplicasTest, AFrozenDatabaseIsAnsweredWithinTheDeadline) {
  Replica a = MakeReplica();
  // A statement bound of 1 s, and a client that would wait 60: the answer
  // within a few seconds is the server's own.
  a.process->AddFlags({"--db_statement_timeout=1s"});
  ASSERT_TRUE(a.process->Start()) << a.process->log();
  a.stub = EventsService::NewStub(a.process->NewChannel());
  Event created;
  ASSERT_TRUE(a.Create(Workshop("Before the freeze"), &created).ok());
  postgres_->Freeze();
  for (const bool with_deadline : {false, true}) {
    SCOPED_TRACE(with_deadline ? "2 s deadline" : "60 s deadline");
    const absl::Time start = absl::Now();
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(
        absl::Now() + (with_deadline ? absl::Seconds(2) : absl::Seconds(60))));
    CreateEventRequest req;
    *req.mutable_event() = Workshop("During the freeze");
    Event out;
    const grpc::Status s = a.stub->CreateEvent(&ctx, req, &out);
    const absl::Duration took = absl::Now() - start;
    EXPECT_TRUE(s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
                s.error_code() == grpc::StatusCode::UNAVAILABLE)
        << s.error_code() << " " << s.error_message();
    EXPECT_LT(took, absl::Seconds(5)) << took;
  }
  // Readiness asks the store (every 5 s, each check bounded to 2 s): it
  // turns NOT_SERVING while the process stays up.
  auto health = grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", a.process->health_port()),
      grpc::InsecureChannelCredentials());
  const absl::Time ready_until = absl::Now() + absl::Seconds(15);
  std::string readiness;
  do {
    readiness = HealthStatus(health, "");
    if (readiness == "NOT_SERVING") break;
    absl::SleepFor(absl::Milliseconds(200));
  } while (absl::Now() < ready_until);
  EXPECT_EQ(readiness, "NOT_SERVING");
  EXPECT_EQ(HealthStatus(health, "outreach.liveness"), "SERVING");
  EXPECT_TRUE(a.process->process().running());
  postgres_->Thaw();
  // The same process serves again: broken connections were dropped.
  const absl::Time until = absl::Now() + absl::Seconds(20);
  grpc::Status after;
  Event again;
  do {
    after = a.Create(Workshop("After the freeze"), &again);
    if (after.ok()) break;
    absl::SleepFor(absl::Milliseconds(200));
  } while (absl::Now() < until);
  EXPECT_TRUE(after.ok()) << after.error_message();
  Event read;
  EXPECT_TRUE(a.Get(created.name(), &read).ok());
}

// The database password never comes from the command line: a
// --database_url holding one is refused at start; the same URL from
// OUTREACH_DATABASE_URL (a Kubernetes Secret) is taken.
TEST_F(ReplicasTest, APasswordOnTheCommandLineIsRefused) {
  // The test server trusts every local connection: any password will do.
  const std::string with_password = absl::StrCat(
      "postgresql://outreach:s3cret@127.0.0.1:", postgres_->port(), "/events");
  ServiceProcess refused(
      OUTREACH_EVENTS_SERVER,
      {"--database_url=" + with_password, "--participants_address=",
       "--recommendations_address=", "--redis_address="},
      dir_.path() + "/refused.log");
  EXPECT_FALSE(refused.Start(absl::Seconds(10)));
  EXPECT_THAT(refused.log(),
              ::testing::HasSubstr("holds a password on the command line"));
  EXPECT_THAT(refused.log(), ::testing::Not(::testing::HasSubstr("s3cret")));

  setenv("OUTREACH_DATABASE_URL", with_password.c_str(), 1);
  ServiceProcess taken(OUTREACH_EVENTS_SERVER,
                       {"--participants_address=",
                        "--recommendations_address=", "--redis_address="},
                       dir_.path() + "/taken.log");
  const bool started = taken.Start();
  unsetenv("OUTREACH_DATABASE_URL");
  EXPECT_TRUE(started) << taken.log();
  EXPECT_THAT(taken.log(), ::testing::Not(::testing::HasSubstr("s3cret")));
}

// A database whose schema is newer than the binary is refused, not misread.
TEST_F(ReplicasTest, ADatabaseNewerThanTheBinaryIsRefused) {
  {
    Replica first = StartReplica();
  }
  ASSERT_TRUE(postgres_
                  ->Psql("INSERT INTO schema_migrations (version) VALUES (99)",
                         "events")
                  .ok());
  Replica r = MakeReplica();
  EXPECT_FALSE(r.process->Start(absl::Seconds(10)));
  auto code = r.process->process().Wait(absl::Seconds(10));
  ASSERT_TRUE(code.has_value());
  EXPECT_NE(*code, 0);
  EXPECT_THAT(
      r.process->log(),
      ::testing::HasSubstr(absl::StrCat(
          "has schema version 99 but this binary knows only up to ",
          outreach::events::SqlEventStore::Migrations().postgres.size())));
}

}  // namespace
}  // namespace outreach::testing
