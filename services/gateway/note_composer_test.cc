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

}  // namespace
}  // namespace outreach::gateway
