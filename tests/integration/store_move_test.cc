// Moving a deployment's data from SQLite to PostgreSQL, as
// docs/operations.md tells an operator to: the suite on SQLite with real
// notes imported, each store exported with outreach_store_move, imported
// into a real PostgreSQL 15 server and verified; then the suite on
// PostgreSQL renders the same note with the same etags.

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "outreach/events/v1/events.grpc.pb.h"
#include "outreach/gateway/v1/gateway.grpc.pb.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/suite.h"
#include "tests/testing/temp_dir.h"

namespace outreach::testing {
namespace {

namespace gv = outreach::gateway::v1;
namespace ev = outreach::events::v1;
using ::testing::HasSubstr;

const char* const kStores[] = {"events", "participants", "recommendations"};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

SuiteBinaries Binaries() {
  return {OUTREACH_EVENTS_SERVER, OUTREACH_PARTICIPANTS_SERVER,
          OUTREACH_RECOMMENDATIONS_SERVER, OUTREACH_GATEWAY_SERVER};
}

// What a reader sees of one event through the suite.
struct Seen {
  std::string note;
  std::string etag;
  int events = 0;
};

absl::StatusOr<Seen> Look(Suite& suite, const std::string& event) {
  auto gateway = gv::GatewayService::NewStub(suite.gateway().NewChannel());
  auto events = ev::EventsService::NewStub(suite.events().NewChannel());
  Seen seen;
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    gv::RenderInformationNoteRequest req;
    req.set_event(event);
    req.set_format(gv::NOTE_FORMAT_TEXT);
    gv::RenderedNote rendered;
    grpc::Status s = gateway->RenderInformationNote(&ctx, req, &rendered);
    if (!s.ok()) return absl::InternalError(s.error_message());
    seen.note = rendered.content();
  }
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    ev::GetEventRequest req;
    req.set_name(event);
    ev::Event got;
    grpc::Status s = events->GetEvent(&ctx, req, &got);
    if (!s.ok()) return absl::InternalError(s.error_message());
    seen.etag = got.etag();
  }
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    ev::ListEventsRequest req;
    req.set_page_size(1000);
    ev::ListEventsResponse all;
    grpc::Status s = events->ListEvents(&ctx, req, &all);
    if (!s.ok()) return absl::InternalError(s.error_message());
    seen.events = all.events_size();
  }
  return seen;
}

class StoreMoveTest : public ::testing::Test {
 protected:
  // Runs outreach_store_move; its exit status, and its output in `out`.
  int Move(std::vector<std::string> args, std::string* out = nullptr) {
    std::vector<std::string> argv = {OUTREACH_STORE_MOVE};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string log = absl::StrCat(dir_.path(), "/move.", ++runs_);
    Subprocess p;
    EXPECT_TRUE(p.Start(argv, log));
    const int code = p.Wait(absl::Seconds(120)).value_or(-1);
    if (out != nullptr) *out = Slurp(log);
    EXPECT_GE(code, 0) << "did not finish: " << Slurp(log);
    return code;
  }

  TempDir dir_;
  int runs_ = 0;
};

TEST_F(StoreMoveTest, SqliteStoresMoveToPostgresWithEveryRowAndEtag) {
  const std::string sqlite_dir = dir_.path() + "/sqlite";
  std::filesystem::create_directories(sqlite_dir);
  std::string event;
  Seen before;
  {
    Suite suite(Binaries(), sqlite_dir);
    std::string error;
    ASSERT_TRUE(suite.Start(&error)) << error;
    auto gateway = gv::GatewayService::NewStub(suite.gateway().NewChannel());
    for (const std::string& path :
         {std::string(OUTREACH_EXAMPLES) + "/notes/kiev_2013.txt",
          std::string(OUTREACH_GATEWAY_TESTDATA) + "/chisinau_2015.txt"}) {
      grpc::ClientContext ctx;
      ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
      gv::ImportInformationNoteRequest req;
      req.set_text(Slurp(path));
      gv::ImportReport report;
      grpc::Status s = gateway->ImportInformationNote(&ctx, req, &report);
      ASSERT_TRUE(s.ok()) << s.error_message();
      if (event.empty()) event = report.event().name();
    }
    auto seen = Look(suite, event);
    ASSERT_TRUE(seen.ok()) << seen.status();
    before = *seen;
    // The stores are quiet before they are exported: the suite stops.
  }
  ASSERT_EQ(before.events, 2);
  ASSERT_THAT(before.note, HasSubstr("Kiev"));

  PostgresServer postgres(dir_.path());
  ASSERT_TRUE(postgres.Start().ok());
  for (const char* store : kStores) {
    SCOPED_TRACE(store);
    ASSERT_TRUE(postgres
                    .Psql(absl::StrCat("CREATE DATABASE ", store,
                                       " OWNER outreach"))
                    .ok());
    const std::string file = absl::StrCat(dir_.path(), "/", store, ".jsonl");
    const std::string url = "--database_url=" + postgres.url(store);
    ASSERT_EQ(Move({absl::StrCat("--store=", store),
                    absl::StrCat("--db_path=", sqlite_dir, "/", store, ".db"),
                    "--file=" + file, "export"}),
              0);
    ASSERT_EQ(Move({absl::StrCat("--store=", store), url, "--file=" + file,
                    "import"}),
              0);
    std::string report;
    EXPECT_EQ(Move({absl::StrCat("--store=", store), url, "--file=" + file,
                    "verify"},
                   &report),
              0)
        << report;
    EXPECT_THAT(report, HasSubstr("OK: the store holds exactly the export"));
    // A second import into the now full store is refused, not doubled.
    std::string again;
    EXPECT_NE(Move({absl::StrCat("--store=", store), url, "--file=" + file,
                    "import"},
                   &again),
              0);
  }

  // The same suite on PostgreSQL serves the same note with the same etag.
  const std::string pg_dir = dir_.path() + "/pg-suite";
  std::filesystem::create_directories(pg_dir);
  {
    Suite suite(Binaries(), pg_dir);
    suite.events().AddFlags({"--database_url=" + postgres.url("events")});
    suite.participants().AddFlags(
        {"--database_url=" + postgres.url("participants")});
    suite.recommendations().AddFlags(
        {"--database_url=" + postgres.url("recommendations")});
    std::string error;
    ASSERT_TRUE(suite.Start(&error)) << error;
    auto after = Look(suite, event);
    ASSERT_TRUE(after.ok()) << after.status();
    EXPECT_EQ(after->note, before.note);
    EXPECT_EQ(after->etag, before.etag);
    EXPECT_EQ(after->events, before.events);
  }

  // Verify sees a difference: one revision changed behind its back.
  ASSERT_TRUE(postgres
                  .Psql("UPDATE events SET revision = revision + 1000 "
                        "WHERE id = (SELECT min(id) FROM events)",
                        "events")
                  .ok());
  std::string report;
  EXPECT_EQ(Move({"--store=events", "--database_url=" + postgres.url("events"),
                  absl::StrCat("--file=", dir_.path(), "/events.jsonl"),
                  "verify"},
                 &report),
            1)
      << report;
  EXPECT_THAT(report, HasSubstr("events: 2 exported, 2 stored, 1 equal"));
}

// An export cut short is refused whole: nothing is imported.
TEST_F(StoreMoveTest, ACutExportImportsNothing) {
  const std::string db = dir_.path() + "/events.db";
  const std::string file = dir_.path() + "/events.jsonl";
  ASSERT_EQ(Move({"--store=events", "--db_path=" + db, "--file=" + file,
                  "export"}),
            0);
  std::string text = Slurp(file);
  // Without its last line, the end line with the counts.
  ASSERT_THAT(text, HasSubstr("\"end\":true"));
  text = text.substr(0, text.rfind('\n', text.size() - 2) + 1);
  std::ofstream(file, std::ios::trunc) << text;
  std::string out;
  EXPECT_NE(Move({"--store=events", "--db_path=" + dir_.path() + "/other.db",
                  "--file=" + file, "import"},
                 &out),
            0);
  EXPECT_THAT(out, HasSubstr("cut short"));
}

}  // namespace
}  // namespace outreach::testing
