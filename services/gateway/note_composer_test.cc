// NoteComposer over fake backends: what each composite costs in calls.

#include "services/gateway/note_composer.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/cache/in_memory_cache.h"
#include "common/cache/write_generation.h"
#include "common/concurrency/thread_pool.h"
#include "common/geo/iso3166.h"
#include "common/resource/resource_ids.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/gateway/fake_backends.h"

namespace outreach::gateway {
namespace {

class NoteComposerTest : public ::testing::Test {
 protected:
  // Kiev's participants under two labelled groups and none: Japan,
  // Morocco and UN ODA are not members.
  void PrintInGroups() {
    state_.participations.clear();
    const std::vector<std::pair<std::string, std::string>> printed = {
        {"States-Members of the OSCE", "Albania"},
        {"States-Members of the OSCE", "Japan"},
        {"States-Members of the OSCE", "Morocco"},
        {"Other", "European Union"},
        {"Other", "UN ODA"},
        {"", "Somebody"}};
    for (size_t i = 0; i < printed.size(); ++i) {
      pv::Participation p;
      p.set_name(absl::StrCat("events/kiev/participations/p", i));
      p.set_position(static_cast<int>(i));
      p.set_printed_group(printed[i].first);
      p.set_printed_name(printed[i].second);
      state_.participations[p.name()] = p;
    }
    state_.non_members = {"Morocco", "Japan", "UN ODA"};
  }
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

  // The note as the gateway serves it: its bytes, parsed.
  static absl::StatusOr<v1::InformationNote> Note(
      NoteComposer& composer, const v1::GetInformationNoteRequest& req) {
    auto bytes = composer.GetInformationNoteBytes({}, req);
    if (!bytes.ok()) return bytes.status();
    v1::InformationNote note;
    if (!note.ParseFromString(**bytes)) {
      return absl::InternalError("the note's bytes do not parse");
    }
    return note;
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

// A warm note is sent as the cache keeps it: the bytes of the note the
// typed path returns, with no backend call. Bytes in Redis that do not
// parse as a note are recomputed, never sent. Both with the near cache
// and with Redis alone.
TEST_F(NoteComposerTest, NoteBytesAreTheCachedNoteAndNeverGarbage) {
  Attended("kiev", 5);
  InMemoryCache cache;
  WriteGeneration generation(&cache);
  generation.Bump();
  v1::GetInformationNoteRequest req;
  req.set_event("events/kiev");
  for (bool near_on : {true, false}) {
    SCOPED_TRACE(near_on ? "near cache" : "Redis alone");
    auto size = [](const std::string& b) { return b.size(); };
    NearCache<std::string> near(1 << 20, size), fresh(1 << 20, size);
    auto make = [&](NearCache<std::string>* n) {
      return std::make_unique<NoteComposer>(
          BackendClients{&events_, &participants_, &recommendations_}, &fanout_,
          countries_.get(), &cache, &generation, absl::Minutes(5),
          DeadlineShares{}, nullptr, n);
    };
    auto warm = make(near_on ? &near : nullptr);
    auto first = warm->GetInformationNoteBytes({}, req);  // computed, kept
    ASSERT_TRUE(first.ok()) << first.status();
    v1::InformationNote typed;
    ASSERT_TRUE(typed.ParseFromString(**first));
    EXPECT_EQ(typed.event().name(), "events/kiev");
    const int computed = state_.Count("GetEvent");
    auto bytes = warm->GetInformationNoteBytes({}, req);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    EXPECT_EQ(**bytes, typed.SerializeAsString());
    EXPECT_EQ(state_.Count("GetEvent"), computed);  // from the cache
    // A typed composite reads the same cache: a second render is a hit.
    v1::RenderInformationNoteRequest render;
    render.set_event("events/kiev");
    render.set_format(v1::NOTE_FORMAT_MARKDOWN);
    auto r1 = warm->RenderInformationNote({}, render);
    ASSERT_TRUE(r1.ok()) << r1.status();
    const int rendered = state_.Count("GetEvent");
    auto r2 = warm->RenderInformationNote({}, render);
    ASSERT_TRUE(r2.ok()) << r2.status();
    EXPECT_EQ(r2->SerializeAsString(), r1->SerializeAsString());
    EXPECT_EQ(state_.Count("GetEvent"), rendered);

    auto current = generation.Current();
    ASSERT_TRUE(current.ok());
    const std::string key =
        absl::StrCat("outreach:gateway:v1:note:", *current,
                     ":all:", absl::WebSafeBase64Escape(CanonicalBytes(req)));
    ASSERT_TRUE(cache.GetRaw(key).ok() && cache.GetRaw(key)->has_value());
    ASSERT_TRUE(
        cache.SetRaw(key, std::string("\xff\xff\xff", 3), absl::Minutes(5))
            .ok());
    auto cold = make(near_on ? &fresh : nullptr);
    auto recomputed = cold->GetInformationNoteBytes({}, req);
    ASSERT_TRUE(recomputed.ok()) << recomputed.status();
    EXPECT_EQ(**recomputed, typed.SerializeAsString());
    EXPECT_EQ(state_.Count("GetEvent"), rendered + 1);
  }
}

// The participants service prepares the checks with the participations;
// the gateway judges them on the event's date and makes no second call.
// The warnings come back in the groups' order.
TEST_F(NoteComposerTest, ANoteJudgesThePreparedChecksWithoutASecondCall) {
  Attended("kiev", 5);
  PrintInGroups();
  v1::GetInformationNoteRequest req;
  req.set_event("events/kiev");
  auto note = Note(*composer_, req);
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_FALSE(note->partial());
  EXPECT_EQ(state_.Count("BatchCheckMemberships"), 0);
  std::vector<std::string> warned;
  for (const auto& m : note->membership_warnings())
    warned.push_back(m.printed_name());
  EXPECT_THAT(warned, ::testing::ElementsAre("Japan", "Morocco", "UN ODA"));
}

// A participants service that predates include_membership_checks: the
// note asks BatchCheckMemberships, all groups in one call, and its
// warnings come back in the groups' order.
TEST_F(NoteComposerTest, ANoteChecksEveryGroupInOneCall) {
  Attended("kiev", 5);
  state_.prepares_membership_checks = false;
  PrintInGroups();
  v1::GetInformationNoteRequest req;
  req.set_event("events/kiev");
  auto note = Note(*composer_, req);
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_FALSE(note->partial());
  EXPECT_EQ(state_.Count("BatchCheckMemberships"), 1);
  EXPECT_THAT(state_.calls,
              ::testing::Contains("BatchCheckMemberships "
                                  "States-Members of the OSCE:3,Other:2"));
  std::vector<std::string> warned;
  for (const auto& m : note->membership_warnings())
    warned.push_back(m.printed_name());
  EXPECT_THAT(warned, ::testing::ElementsAre("Japan", "Morocco", "UN ODA"));

  state_.failures["BatchCheckMemberships"] = {absl::UnavailableError("down")};
  auto partial = Note(*composer_, req);
  ASSERT_TRUE(partial.ok()) << partial.status();
  EXPECT_TRUE(partial->partial());
  EXPECT_THAT(partial->missing_parts(),
              ::testing::Contains("membership_warnings"));
}

// Groups beyond one batch's limits (100 checks, 1000 names) are split
// into as few calls as those limits allow, and merged back per group.
TEST_F(NoteComposerTest, MembershipChecksSplitAtTheBatchLimits) {
  std::vector<PrintedGroup> groups(2);
  groups[0].label = "States-Members of the OSCE";
  for (int i = 0; i < 2500; ++i) {
    groups[0].names.push_back(absl::StrCat("a", i));
  }
  groups[1].label = "Other";
  groups[1].names = {"b0", "b1", "b2"};
  state_.non_members = {"a5", "a1200", "a2499", "b2"};
  type::v1::Date as_of;
  as_of.set_year(2013);
  as_of.set_month(11);
  as_of.set_day(5);
  auto checked = CheckGroupMemberships(participants_, {}, as_of, groups);
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(state_.Count("BatchCheckMemberships"), 3);  // 1000, 1000, 503
  ASSERT_EQ(checked->size(), 2u);
  std::vector<std::string> first, second;
  for (const auto& m : (*checked)[0].mismatches())
    first.push_back(m.printed_name());
  for (const auto& m : (*checked)[1].mismatches())
    second.push_back(m.printed_name());
  EXPECT_THAT(first, ::testing::ElementsAre("a5", "a1200", "a2499"));
  EXPECT_THAT(second, ::testing::ElementsAre("b2"));

  std::vector<PrintedGroup> many(150, PrintedGroup{"Other", {"x"}});
  state_.calls.clear();
  auto small = CheckGroupMemberships(participants_, {}, as_of, many);
  ASSERT_TRUE(small.ok()) << small.status();
  EXPECT_EQ(small->size(), 150u);
  EXPECT_EQ(state_.Count("BatchCheckMemberships"), 2);  // 100 and 50 checks
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
