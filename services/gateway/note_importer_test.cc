#include "services/gateway/note_importer.h"

#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/gateway/fake_backends.h"

namespace outreach::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Seed() {
  std::ifstream in(std::string(OUTREACH_EXAMPLES) + "/notes/kiev_2013.txt");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class NoteImporterTest : public ::testing::Test {
 protected:
  NoteImporterTest()
      : events_(&state_), participants_(&state_), recommendations_(&state_) {}

  std::unique_ptr<NoteImporter> Importer() {
    return std::make_unique<NoteImporter>(
        BackendClients{&events_, &participants_, &recommendations_},
        DeadlineShares{},
        [this](absl::string_view step) { steps_.emplace_back(step); });
  }

  absl::StatusOr<v1::ImportReport> Import(bool dry_run = false) {
    v1::ImportInformationNoteRequest req;
    req.set_text(Seed());
    req.set_dry_run(dry_run);
    return Importer()->Import({}, req);
  }

  // One complete import of the seed, nothing more.
  void ExpectOneCompleteImport() {
    ASSERT_EQ(state_.events.size(), 1u);
    EXPECT_EQ(state_.events.begin()->second.note_import().state(),
              ev::IMPORT_STATE_COMPLETE);
    EXPECT_EQ(state_.participations.size(), 36u);
    EXPECT_EQ(state_.outcomes.size(), 5u);
    EXPECT_EQ(state_.Count("DeleteEvent"), 0) << "an import never deletes";
  }

  testing::FakeState state_;
  testing::FakeEvents events_;
  testing::FakeParticipants participants_;
  testing::FakeRecommendations recommendations_;
  std::vector<std::string> steps_;
};

TEST_F(NoteImporterTest, EveryStepInOrderThenComplete) {
  auto report = Import();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(steps_,
              ElementsAre("event", "participations", "outcome-1", "outcome-2",
                          "outcome-3", "outcome-4", "outcome-5", "complete"));
  EXPECT_FALSE(report->already_imported());
  EXPECT_FALSE(report->resumed());
  EXPECT_EQ(report->note_digest().size(), 32u);
  EXPECT_EQ(report->event().note_import().note_digest(), report->note_digest());
  EXPECT_EQ(report->participations(3).participation(),
            report->event().name() + "/participations/p3");
  ExpectOneCompleteImport();
  // Again: nothing is written.
  steps_.clear();
  const size_t calls = state_.calls.size();
  auto again = Import();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_imported());
  EXPECT_THAT(steps_, ElementsAre("event"));
  for (size_t i = calls; i < state_.calls.size(); ++i) {
    EXPECT_THAT(state_.calls[i], ::testing::Not(HasSubstr("Create")));
  }
  ExpectOneCompleteImport();
}

TEST_F(NoteImporterTest, ADryRunWritesNothing) {
  auto report = Import(/*dry_run=*/true);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(state_.events.empty());
  EXPECT_TRUE(state_.participations.empty());
  EXPECT_TRUE(state_.outcomes.empty());
  EXPECT_EQ(report->outcomes_size(), 5);
}

// A dry run reports the membership check's warning, and asks each
// service once: its only call to the events service is a create with
// validate_only.
TEST_F(NoteImporterTest, ADryRunChecksEachThingOnce) {
  state_.non_members = {"Ukraine"};  // so that the check adds a warning
  auto report = Import(/*dry_run=*/true);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->membership_mismatches_size(), 1);
  EXPECT_TRUE(report->dry_run());
  EXPECT_EQ(state_.Count("ResolveEntities"), 1);
  EXPECT_EQ(state_.Count("BatchCheckMemberships"), 1);
  EXPECT_EQ(state_.Count("CreateEvent"), 1);
  EXPECT_TRUE(state_.events.empty());
}

// A note that names nobody (no participants, no venue country, no
// addressees) asks the participants service nothing: it refuses an empty
// ResolveEntities with INVALID_ARGUMENT.
TEST_F(NoteImporterTest, ANoteThatNamesNobodyResolvesNothing) {
  v1::ImportInformationNoteRequest req;
  req.set_text(
      "Information Note\n\nEvent\tRound table on export control\n"
      "Date and Venue\t5 November 2013\n");
  req.set_dry_run(true);
  auto report = Importer()->Import({}, req);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(state_.Count("ResolveEntities"), 0);
}

// A failed call ends the dry run with its status and starts no later call.
TEST_F(NoteImporterTest, ADryRunStopsAtAFailedCall) {
  for (const std::string method :
       {"ResolveEntities", "BatchCheckMemberships", "CreateEvent"}) {
    SCOPED_TRACE(method);
    state_.calls.clear();
    state_.failures[method] = {absl::UnavailableError("down")};
    v1::ImportInformationNoteRequest req;
    req.set_text(Seed());
    req.set_dry_run(true);
    auto report = Importer()->Import({}, req);
    EXPECT_EQ(report.status().code(), absl::StatusCode::kUnavailable);
    ASSERT_FALSE(state_.calls.empty());
    EXPECT_THAT(state_.calls.back(), ::testing::StartsWith(method));
  }
}

// A failure at each step fails the import, leaves what was written, and
// the next import completes it: exactly one complete import.
TEST_F(NoteImporterTest, AFailureAtAnyStepIsCompletedByTheNextImport) {
  struct Case {
    std::string method;
    int skip;  // calls of `method` that succeed before the failure
  };
  const std::vector<Case> cases = {
      {"ResolveEntities", 0},
      {"BatchCheckMemberships", 0},
      {"GetEvent", 0},
      {"CreateEvent", 0},
      {"BatchCreateParticipations", 0},
      {"CreateRecommendation", 0},
      {"CreateRecommendation", 2},
      {"CreateRecommendation", 4},
      {"UpdateEvent", 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " after " + std::to_string(c.skip));
    state_ = {};
    std::vector<absl::Status> queue(c.skip, absl::OkStatus());
    queue.push_back(absl::UnavailableError("injected"));
    state_.failures[c.method] = queue;
    auto failed = Import();
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
    const bool event_written = !state_.events.empty();
    auto done = Import();
    ASSERT_TRUE(done.ok()) << done.status();
    EXPECT_EQ(done->resumed(), event_written);
    ExpectOneCompleteImport();
  }
}

// A lost reply: the write happened, the importer saw a failure. The
// retry's request id replays the reply.
TEST_F(NoteImporterTest, ALostReplyIsReplayedNotDuplicated) {
  auto first = Import();
  ASSERT_TRUE(first.ok());
  // Forget that the import completed, as after a crash before the last
  // step, and make the participations' batch look new.
  state_.events.begin()->second.mutable_note_import()->set_state(
      ev::IMPORT_STATE_IMPORTING);
  auto again = Import();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->resumed());
  ExpectOneCompleteImport();
}

// Records written by another run of the same import, without this run's
// request ids (they expired): confirmed one by one, not duplicated.
TEST_F(NoteImporterTest, RecordsAlreadyThereAreConfirmed) {
  ASSERT_TRUE(Import().ok());
  state_.ledger.clear();
  state_.events.begin()->second.mutable_note_import()->set_state(
      ev::IMPORT_STATE_IMPORTING);
  auto again = Import();
  ASSERT_TRUE(again.ok()) << again.status();
  ExpectOneCompleteImport();
}

TEST_F(NoteImporterTest, OtherContentUnderTheSameIdIsAConflict) {
  ASSERT_TRUE(Import().ok());
  state_.ledger.clear();
  auto& event = state_.events.begin()->second;
  event.mutable_note_import()->set_state(ev::IMPORT_STATE_IMPORTING);
  state_.participations[event.name() + "/participations/p0"].set_printed_name(
      "Someone else");
  auto again = Import();
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(again.status().message(), HasSubstr("Someone else"));

  state_ = {};
  ASSERT_TRUE(Import().ok());
  state_.events.begin()->second.mutable_note_import()->set_note_digest("0123");
  again = Import();
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(again.status().message(), HasSubstr("not this note's"));
}

// The id of a deleted event is never reused: the note imports under the
// next one.
TEST_F(NoteImporterTest, ADeletedEventsIdIsSkipped) {
  auto first = Import();
  ASSERT_TRUE(first.ok());
  const std::string name = first->event().name();
  state_ = {};
  state_.deleted_events.insert(name);
  auto again = Import();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->event().name(), name + "-2");
  ExpectOneCompleteImport();
}

}  // namespace
}  // namespace outreach::gateway
