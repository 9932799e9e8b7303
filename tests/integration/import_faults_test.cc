// Note import under faults, against real processes (tests/testing/suite.h):
// the gateway killed after each step, eight simultaneous imports, a backend
// stalled and resumed, and a forced delete. After each, the import is
// complete and the integrity scan finds no orphan.

#include <csignal>
#include <iostream>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "outreach/gateway/v1/gateway.grpc.pb.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/suite.h"

namespace outreach::testing {
namespace {

namespace gv = ::outreach::gateway::v1;
namespace ev = ::outreach::events::v1;
using ::testing::HasSubstr;

std::string Seed() {
  std::ifstream in(std::string(OUTREACH_EXAMPLES) + "/notes/kiev_2013.txt");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ImportFaultsTest : public ::testing::Test {
 protected:
  void StartSuite(std::vector<std::string> gateway_flags = {}) {
    suite_ = std::make_unique<Suite>(
        SuiteBinaries{OUTREACH_EVENTS_SERVER, OUTREACH_PARTICIPANTS_SERVER,
                      OUTREACH_RECOMMENDATIONS_SERVER, OUTREACH_GATEWAY_SERVER},
        dir_.path(), std::move(gateway_flags));
    std::string error;
    ASSERT_TRUE(suite_->Start(&error)) << error;
  }

  std::unique_ptr<gv::GatewayService::Stub> Stub() {
    return gv::GatewayService::NewStub(suite_->gateway().NewChannel());
  }

  grpc::Status Import(gv::ImportReport* report,
                      absl::Duration deadline = absl::Seconds(20)) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    gv::ImportInformationNoteRequest req;
    req.set_text(Seed());
    return Stub()->ImportInformationNote(&ctx, req, report);
  }

  // Imports until it goes through (a channel may still be reconnecting to
  // a backend that came back), at most `tries` times.
  gv::ImportReport ImportUntilDone(int tries = 40) {
    gv::ImportReport report;
    grpc::Status s;
    for (int i = 0; i < tries; ++i) {
      report.Clear();
      s = Import(&report);
      if (s.ok()) break;
      std::cerr << "import attempt " << i << ": " << s.error_code() << " "
                << s.error_message() << "\n";
      absl::SleepFor(absl::Milliseconds(250));
    }
    EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
    return report;
  }

  gv::IntegrityReport Check() {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    gv::IntegrityReport r;
    grpc::Status s = Stub()->CheckIntegrity(&ctx, {}, &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r;
  }

  ev::ListEventsResponse Events() {
    grpc::ClientContext ctx;
    ev::ListEventsRequest req;
    ev::ListEventsResponse out;
    EXPECT_TRUE(Stub()->ListEvents(&ctx, req, &out).ok());
    return out;
  }

  // One complete import of the seed and nothing else: one event, its 36
  // participations, its 5 outcomes, no orphan, nothing incomplete.
  void ExpectOneCompleteImport() {
    const auto events = Events();
    ASSERT_EQ(events.events_size(), 1);
    EXPECT_EQ(events.events(0).note_import().state(),
              ev::IMPORT_STATE_COMPLETE);
    const gv::IntegrityReport r = Check();
    EXPECT_EQ(r.orphans_size(), 0) << r.DebugString();
    EXPECT_EQ(r.incomplete_imports_size(), 0);
    EXPECT_EQ(r.participations_checked(), 36);
    EXPECT_EQ(r.outcomes_checked(), 5);
  }

  TempDir dir_;
  std::unique_ptr<Suite> suite_;
};

// The gateway dies (SIGKILL, as `kill -9`) right after each step in turn;
// a new gateway's import of the same note completes it.
TEST_F(ImportFaultsTest, AGatewayKilledAfterAnyStepLeavesAnImportToComplete) {
  for (const char* step :
       {"event", "participations", "outcome-1", "outcome-2", "outcome-3",
        "outcome-4", "outcome-5", "complete"}) {
    SCOPED_TRACE(step);
    StartSuite({absl::StrCat("--test_kill_after_import_step=", step)});
    gv::ImportReport report;
    grpc::Status s = Import(&report);
    EXPECT_FALSE(s.ok()) << "the gateway died mid-call";
    EXPECT_EQ(suite_->gateway().process().Wait(absl::Seconds(10)).value_or(-1),
              128 + SIGKILL);
    suite_->ReplaceGateway({});
    ASSERT_TRUE(suite_->gateway().Start()) << suite_->gateway().log();
    const gv::ImportReport done = ImportUntilDone();
    if (std::string(step) == "complete") {
      EXPECT_TRUE(done.already_imported());
    } else {
      EXPECT_TRUE(done.resumed());
    }
    ExpectOneCompleteImport();
    suite_.reset();
    // A clean slate for the next step.
    for (const char* f : {"events.db", "participants.db",
                          "recommendations.db"}) {
      std::remove(absl::StrCat(dir_.path(), "/", f).c_str());
      std::remove(absl::StrCat(dir_.path(), "/", f, "-wal").c_str());
      std::remove(absl::StrCat(dir_.path(), "/", f, "-shm").c_str());
    }
  }
}

// Eight `outreachctl import` runs of one new note at once: all exit 0, and
// there is one event with all of its records.
TEST_F(ImportFaultsTest, EightSimultaneousImportsMakeOneCompleteEvent) {
  StartSuite();
  std::vector<std::unique_ptr<Subprocess>> runs;
  const std::string note = std::string(OUTREACH_EXAMPLES) + "/notes/kiev_2013.txt";
  for (int i = 0; i < 8; ++i) {
    runs.push_back(std::make_unique<Subprocess>());
    ASSERT_TRUE(runs.back()->Start(
        {OUTREACH_CTL, "--address=" + suite_->gateway().address(), "import",
         note},
        absl::StrCat(dir_.path(), "/ctl-", i, ".log")));
  }
  for (int i = 0; i < 8; ++i) {
    auto code = runs[i]->Wait(absl::Seconds(60));
    std::ifstream log(absl::StrCat(dir_.path(), "/ctl-", i, ".log"));
    std::stringstream out;
    out << log.rdbuf();
    EXPECT_EQ(code.value_or(-1), 0) << out.str();
  }
  ExpectOneCompleteImport();
}

// A backend stalled (SIGSTOP) during an import: the import fails within its
// deadline; once the backend resumes, importing again completes it.
TEST_F(ImportFaultsTest, AnImportStalledByABackendCompletesOnceItResumes) {
  StartSuite();
  Subprocess& recommendations = suite_->recommendations().process();
  recommendations.Signal(SIGSTOP);
  gv::ImportReport report;
  const absl::Time start = absl::Now();
  grpc::Status s = Import(&report, absl::Seconds(3));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << s.error_message();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  // The events service alone says which imports are incomplete (the
  // integrity scan needs the stalled service too).
  {
    grpc::ClientContext ctx;
    ev::ListEventsRequest req;
    req.set_filter("import_state = IMPORTING");
    ev::ListEventsResponse incomplete;
    ASSERT_TRUE(Stub()->ListEvents(&ctx, req, &incomplete).ok());
    EXPECT_EQ(incomplete.events_size(), 1);
  }
  // The integrity scan needs the stalled service. Asked with a generous
  // deadline of the caller's, the gateway bounds the wait itself (its
  // dependency budget, 5 s here) and says so.
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    gv::IntegrityReport r;
    const absl::Time asked = absl::Now();
    grpc::Status st = Stub()->CheckIntegrity(&ctx, {}, &r);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
        << st.error_message();
    EXPECT_LT(absl::Now() - asked, absl::Seconds(15));
  }
  recommendations.Signal(SIGCONT);
  const gv::ImportReport done = ImportUntilDone();
  EXPECT_EQ(done.outcomes_size(), 5);
  ExpectOneCompleteImport();
}

// Deleting an event with records under it is refused; with force, the
// event and everything under it go, and the note imports anew under a
// new id (a deleted event's id is never reused).
TEST_F(ImportFaultsTest, AForcedDeleteRemovesTheEventAndEverythingUnderIt) {
  StartSuite();
  const gv::ImportReport first = ImportUntilDone();
  const std::string event = first.event().name();
  grpc::ClientContext ctx;
  ev::DeleteEventRequest del;
  del.set_name(event);
  google::protobuf::Empty empty;
  grpc::Status s = Stub()->DeleteEvent(&ctx, del, &empty);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("force"));

  // Bad names get a clear answer from the gateway's DeleteEvent too.
  for (const auto& [name, code] :
       std::vector<std::pair<std::string, grpc::StatusCode>>{
           {"nonsense", grpc::StatusCode::INVALID_ARGUMENT},
           {std::string(1 << 16, 'a'), grpc::StatusCode::INVALID_ARGUMENT},
           {"events/no-such-event", grpc::StatusCode::NOT_FOUND}}) {
    grpc::ClientContext bad_ctx;
    ev::DeleteEventRequest bad;
    bad.set_name(name);
    EXPECT_EQ(Stub()->DeleteEvent(&bad_ctx, bad, &empty).error_code(), code)
        << name.substr(0, 40);
  }

  grpc::ClientContext forced_ctx;
  del.set_force(true);
  s = Stub()->DeleteEvent(&forced_ctx, del, &empty);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(Events().events_size(), 0);
  const gv::IntegrityReport after = Check();
  EXPECT_EQ(after.orphans_size(), 0) << after.DebugString();
  EXPECT_EQ(after.participations_checked(), 0);
  EXPECT_EQ(after.outcomes_checked(), 0);

  const gv::ImportReport again = ImportUntilDone();
  EXPECT_EQ(again.event().name(), event + "-2");
  ExpectOneCompleteImport();
}

}  // namespace
}  // namespace outreach::testing
