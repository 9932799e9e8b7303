// NoteComposer over fake backends: what each composite costs in calls.

#include "services/gateway/note_composer.h"

#include "absl/strings/str_cat.h"
#include "common/concurrency/thread_pool.h"
#include "common/geo/iso3166.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/gateway/fake_backends.h"

namespace outreach::gateway {
namespace {

class NoteComposerTest : public ::testing::Test {
 protected:
  NoteComposerTest()
      : events_(&state_), participants_(&state_), recommendations_(&state_) {}

  void SetUp() override {
    auto countries = CountryRegistry::Load(kDefaultIso3166Path);
    ASSERT_TRUE(countries.ok()) << countries.status();
    countries_ = *std::move(countries);
    composer_ = std::make_unique<NoteComposer>(
        BackendClients{&events_, &participants_, &recommendations_}, &fanout_,
        countries_.get());
  }

  // An event on `day` of January 2013 that entities/md attended.
  void Attended(const std::string& id, int day, bool stored = true) {
    const std::string name = absl::StrCat("events/", id);
    if (stored) {
      ev::Event e;
      e.set_name(name);
      e.set_title(absl::StrCat("Workshop ", id));
      e.mutable_start_date()->set_year(2013);
      e.mutable_start_date()->set_month(1);
      e.mutable_start_date()->set_day(day);
      state_.events[name] = e;
    }
    pv::Participation p;
    p.set_name(absl::StrCat(name, "/participations/md"));
    p.set_entity("entities/md");
    state_.participations[p.name()] = p;
  }

  absl::StatusOr<v1::StateProfile> Profile() {
    v1::GetStateProfileRequest req;
    req.set_entity("entities/md");
    return composer_->GetStateProfile({}, req);
  }

  testing::FakeState state_;
  testing::FakeEvents events_;
  testing::FakeParticipants participants_;
  testing::FakeRecommendations recommendations_;
  ThreadPool fanout_{4};
  std::unique_ptr<CountryRegistry> countries_;
  std::unique_ptr<NoteComposer> composer_;
};

TEST_F(NoteComposerTest, AProfileReadsItsEventsInOneBatch) {
  for (int i = 0; i < 30; ++i) Attended(absl::StrCat("e", i), 1 + i % 28);
  auto profile = Profile();
  ASSERT_TRUE(profile.ok()) << profile.status();
  EXPECT_FALSE(profile->partial());
  ASSERT_EQ(profile->events_size(), 30);
  EXPECT_EQ(state_.Count("BatchGetEvents"), 1);
  EXPECT_EQ(state_.Count("GetEvent"), 0);
  // Oldest first, each with its participation.
  for (int i = 1; i < profile->events_size(); ++i) {
    EXPECT_LE(profile->events(i - 1).event().start_date().day(),
              profile->events(i).event().start_date().day());
  }
  EXPECT_EQ(profile->events(0).participations(0).entity(), "entities/md");
}

TEST_F(NoteComposerTest, AProfileLeavesOutAnEventDeletedSince) {
  Attended("kept", 1);
  Attended("gone", 2, /*stored=*/false);  // its participation outlived it
  auto profile = Profile();
  ASSERT_TRUE(profile.ok()) << profile.status();
  EXPECT_FALSE(profile->partial());
  ASSERT_EQ(profile->events_size(), 1);
  EXPECT_EQ(profile->events(0).event().name(), "events/kept");
}

TEST_F(NoteComposerTest, AProfileWhoseEventsFailIsPartial) {
  Attended("kept", 1);
  state_.failures["BatchGetEvents"] = {absl::UnavailableError("down")};
  auto profile = Profile();
  ASSERT_TRUE(profile.ok()) << profile.status();
  EXPECT_TRUE(profile->partial());
  EXPECT_THAT(profile->missing_parts(), ::testing::Contains("events"));
}

// With no filter the dashboard is the services' kept counts: three calls
// whatever the number of events, and the same numbers as counting records.
TEST_F(NoteComposerTest, TheWholeDashboardReadsKeptCountsNotRecords) {
  for (int i = 0; i < 30; ++i) Attended(absl::StrCat("e", i), 1 + i % 28);
  state_.events["events/e3"].mutable_venue()->set_country_code("MD");
  for (int i = 0; i < 5; ++i) {
    rv::Recommendation r;
    r.set_name(absl::StrCat("recommendations/r", i));
    r.set_event(absl::StrCat("events/e", i));
    r.set_status(i < 2 ? rv::RECOMMENDATION_STATUS_PROPOSED
                       : rv::RECOMMENDATION_STATUS_ADOPTED);
    if (i % 2 == 0) r.add_areas("training");
    if (i == 4) r.add_areas("legislation");
    state_.outcomes[r.name()] = r;
  }
  auto whole = composer_->GetDashboard({}, v1::GetDashboardRequest());
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(state_.Count("SummarizeEvents"), 1);
  EXPECT_EQ(state_.Count("SummarizeParticipations"), 1);
  EXPECT_EQ(state_.Count("SummarizeRecommendations"), 1);
  EXPECT_EQ(state_.Count("ListEvents"), 0);
  EXPECT_EQ(state_.Count("ListParticipations"), 0);
  EXPECT_EQ(state_.Count("ListRecommendations"), 0);
  EXPECT_FALSE(whole->partial());
  EXPECT_EQ(whole->event_count(), 30);
  ASSERT_EQ(whole->participations_by_entity_size(), 1);
  EXPECT_EQ(whole->participations_by_entity(0).count(), 30);

  // The fakes' lists ignore filters: a filtered dashboard counts the same
  // records one by one, and must agree with the kept counts.
  v1::GetDashboardRequest filtered;
  filtered.set_filter(
      "kind != EVENT_KIND_UNSPECIFIED OR kind = EVENT_KIND_UNSPECIFIED");
  auto counted = composer_->GetDashboard({}, filtered);
  ASSERT_TRUE(counted.ok()) << counted.status();
  EXPECT_EQ(state_.Count("ListEvents"), 1);
  EXPECT_EQ(whole->SerializeAsString(), counted->SerializeAsString())
      << whole->DebugString() << "\nversus\n"
      << counted->DebugString();
}

TEST_F(NoteComposerTest, TheWholeDashboardIsPartialWhenACountIsMissing) {
  Attended("e1", 1);
  state_.failures["SummarizeParticipations"] = {absl::UnavailableError("down")};
  auto d = composer_->GetDashboard({}, v1::GetDashboardRequest());
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->partial());
  EXPECT_THAT(d->missing_parts(), ::testing::ElementsAre("participations"));
  EXPECT_EQ(d->event_count(), 1);
  // Without the events there is no dashboard at all.
  state_.failures["SummarizeEvents"] = {absl::UnavailableError("down")};
  EXPECT_EQ(
      composer_->GetDashboard({}, v1::GetDashboardRequest()).status().code(),
      absl::StatusCode::kUnavailable);
}

// The integrity scan names each orphan, reading the listings a page at a
// time, and asks for each addressee once.
TEST_F(NoteComposerTest, IntegrityNamesEveryOrphanAndAsksEachAddresseeOnce) {
  Attended("kept", 1);
  Attended("gone", 2, /*stored=*/false);  // a participation without its event
  auto outcome = [&](const std::string& id, const std::string& event,
                     const std::string& addressee) {
    rv::Recommendation r;
    r.set_name(absl::StrCat("recommendations/", id));
    r.set_event(event);
    r.add_addressees(addressee);
    state_.outcomes[r.name()] = r;
  };
  outcome("r1", "events/kept", "entities/md");
  outcome("r2", "events/gone", "entities/md");
  outcome("r3", "events/kept", "entities/atlantis");
  outcome("r4", "events/kept", "entities/atlantis");
  state_.missing_entities.insert("entities/atlantis");
  auto report = composer_->CheckIntegrity({});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->events_checked(), 1);
  EXPECT_EQ(report->participations_checked(), 2);
  EXPECT_EQ(report->outcomes_checked(), 4);
  std::vector<std::string> orphans;
  for (const auto& o : report->orphans()) {
    orphans.push_back(absl::StrCat(o.name(), " -> ", o.missing()));
  }
  EXPECT_THAT(orphans, ::testing::UnorderedElementsAre(
                           "events/gone/participations/md -> events/gone",
                           "recommendations/r2 -> events/gone",
                           "recommendations/r3 -> entities/atlantis",
                           "recommendations/r4 -> entities/atlantis"));
  EXPECT_EQ(state_.Count("GetEntity"), 2);  // md and atlantis, once each
}

}  // namespace
}  // namespace outreach::gateway
