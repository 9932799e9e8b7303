#include "services/participants/participant_manager.h"

#include <cstdlib>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "common/membership/undated_check.h"
#include "common/status/status_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/participants/reference_data.h"
#include "services/participants/sql_participant_store.h"
#include "tests/testing/temp_dir.h"

#ifdef OUTREACH_TEST_POSTGRES
#include "tests/testing/postgres_test_database.h"
#endif

namespace outreach::participants {
namespace {

using ::testing::Contains;

// Knows a fixed set of events, or is "down".
class FakeEventChecker : public EventChecker {
 public:
  absl::Status CheckExists(const CallScope&, const std::string& name) override {
    ++calls;
    if (down) return absl::UnavailableError("events service down");
    if (!events.contains(name)) {
      return absl::FailedPreconditionError(name + " does not exist");
    }
    return absl::OkStatus();
  }
  absl::flat_hash_set<std::string> events = {"events/kiev-2013",
                                             "events/minsk-2014"};
  bool down = false;
  int calls = 0;
};

class ParticipantManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(temp_.path().empty());
    dir_ = temp_.path();
    Open();
  }
  void TearDown() override {
    manager_.reset();
    store_.reset();
  }
  void Open() {
    manager_.reset();
    store_.reset();
#ifdef OUTREACH_TEST_POSTGRES
    // The same tests on PostgreSQL (participants_postgres_test).
    auto db = outreach::testing::OpenTestDatabase(
        dir_, "participants", SqlParticipantStore::Migrations().postgres);
    ASSERT_NE(db, nullptr);
    store_ = std::make_unique<SqlParticipantStore>(std::move(db));
#else
    SqliteOptions options;
    options.path = dir_ + "/participants.db";
    auto store = SqlParticipantStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
#endif
    auto countries = CountryRegistry::Load();
    ASSERT_TRUE(countries.ok());
    auto reference =
        LoadReferenceEntities(OUTREACH_PARTICIPANTS_DATA_DIR, **countries);
    ASSERT_TRUE(reference.ok());
    manager_ =
        std::make_unique<ParticipantManager>(store_.get(), &events_, &clock_);
    ASSERT_TRUE(manager_->Load(*reference).ok());
  }
  v1::CreateParticipationRequest Participant(const std::string& event,
                                             const std::string& printed,
                                             const std::string& entity,
                                             int position) {
    v1::CreateParticipationRequest r;
    r.set_parent(event);
    r.mutable_participation()->set_printed_name(printed);
    r.mutable_participation()->set_printed_group("States-Members of the OSCE");
    r.mutable_participation()->set_entity(entity);
    r.mutable_participation()->set_position(position);
    r.mutable_participation()->set_role(v1::PARTICIPATION_ROLE_PARTICIPANT);
    return r;
  }

  outreach::testing::TempDir temp_;
  std::string dir_;
  FakeClock clock_;
  FakeEventChecker events_;
  std::unique_ptr<SqlParticipantStore> store_;
  std::unique_ptr<ParticipantManager> manager_;
};

TEST_F(ParticipantManagerTest, CreateListAndDeleteParticipations) {
  v1::BatchCreateParticipationsRequest batch;
  batch.set_parent("events/kiev-2013");
  *batch.add_requests() = Participant("", "Albania", "entities/al", 0);
  *batch.add_requests() = Participant("", "Russia", "entities/ru", 1);
  *batch.add_requests() = Participant("", "Moldova", "entities/md", 2);
  auto created = manager_->BatchCreateParticipations({}, batch);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(events_.calls, 1) << "one event check per batch";
  EXPECT_EQ(created->participations(1).name(),
            "events/kiev-2013/participations/russia");

  ASSERT_TRUE(manager_
                  ->CreateParticipation(
                      {}, Participant("events/minsk-2014", "Russian Federation",
                                      "entities/ru", 0))
                  .ok());
  // A State's history across events.
  v1::ListParticipationsRequest by_entity;
  by_entity.set_parent("events/-");
  by_entity.set_filter("entity = \"entities/ru\"");
  auto history = manager_->ListParticipations(by_entity);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->participations_size(), 2);
  EXPECT_EQ(history->participations(0).printed_name(), "Russia");
  EXPECT_EQ(history->participations(1).printed_name(), "Russian Federation");

  // Pages of one, in printed order.
  v1::ListParticipationsRequest list;
  list.set_parent("events/kiev-2013");
  list.set_page_size(1);
  std::vector<std::string> order;
  do {
    auto page = manager_->ListParticipations(list);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& p : page->participations())
      order.push_back(p.printed_name());
    list.set_page_token(page->next_page_token());
  } while (!list.page_token().empty());
  EXPECT_THAT(order, ::testing::ElementsAre("Albania", "Russia", "Moldova"));

  v1::DeleteParticipationRequest del;
  del.set_name("events/kiev-2013/participations/russia");
  ASSERT_TRUE(manager_->DeleteParticipation({}, del).ok());
  EXPECT_EQ(manager_->DeleteParticipation({}, del).code(),
            absl::StatusCode::kNotFound);
}

// The summary reads the counts the store keeps; they must follow every
// create and delete, ignore a batch that failed, and survive a reopen.
TEST_F(ParticipantManagerTest, SummaryCountsEachEntityAsWritten) {
  v1::BatchCreateParticipationsRequest batch;
  batch.set_parent("events/kiev-2013");
  *batch.add_requests() = Participant("", "Albania", "entities/al", 0);
  *batch.add_requests() = Participant("", "Russia", "entities/ru", 1);
  *batch.add_requests() = Participant("", "Moldova", "entities/md", 2);
  ASSERT_TRUE(manager_->BatchCreateParticipations({}, batch).ok());
  ASSERT_TRUE(manager_
                  ->CreateParticipation(
                      {}, Participant("events/minsk-2014", "Russian Federation",
                                      "entities/ru", 0))
                  .ok());
  // All or none: a batch whose second id collides counts nothing.
  v1::BatchCreateParticipationsRequest dup;
  dup.set_parent("events/minsk-2014");
  auto a = Participant("", "Albania", "entities/al", 1);
  a.set_participation_id("al");
  *dup.add_requests() = a;
  *dup.add_requests() = a;
  ASSERT_FALSE(manager_->BatchCreateParticipations({}, dup).ok());

  auto summary = [&] {
    auto got = manager_->SummarizeParticipations({});
    EXPECT_TRUE(got.ok()) << got.status();
    std::vector<std::pair<std::string, int64_t>> out;
    if (!got.ok()) return out;
    out.emplace_back("total", got->participation_count());
    for (const auto& c : got->by_entity())
      out.emplace_back(c.entity(), c.count());
    return out;
  };
  using P = std::pair<std::string, int64_t>;
  EXPECT_THAT(summary(),
              ::testing::ElementsAre(P{"total", 4}, P{"entities/ru", 2},
                                     P{"entities/al", 1}, P{"entities/md", 1}));

  v1::DeleteParticipationRequest del;
  del.set_name("events/kiev-2013/participations/russia");
  ASSERT_TRUE(manager_->DeleteParticipation({}, del).ok());
  ASSERT_FALSE(manager_->DeleteParticipation({}, del).ok());
  Open();
  EXPECT_THAT(summary(),
              ::testing::ElementsAre(P{"total", 3}, P{"entities/al", 1},
                                     P{"entities/md", 1}, P{"entities/ru", 1}));
}

TEST_F(ParticipantManagerTest,
       MissingEventIsFailedPreconditionAndNothingStored) {
  auto s = manager_->CreateParticipation(
      {}, Participant("events/nowhere", "Albania", "entities/al", 0));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  events_.down = true;
  s = manager_->CreateParticipation(
      {}, Participant("events/kiev-2013", "Albania", "entities/al", 0));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kUnavailable);
  v1::ListParticipationsRequest list;
  list.set_parent("events/-");
  EXPECT_EQ(manager_->ListParticipations(list)->participations_size(), 0);
}

TEST_F(ParticipantManagerTest, BatchIsAllOrNone) {
  v1::BatchCreateParticipationsRequest batch;
  batch.set_parent("events/kiev-2013");
  *batch.add_requests() = Participant("", "Albania", "entities/al", 0);
  auto bad = Participant("", "", "entities/nope", -1);
  *batch.add_requests() = bad;
  auto s = manager_->BatchCreateParticipations({}, batch).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& v : GetFieldViolations(s)) fields.push_back(v.field);
  EXPECT_THAT(fields, Contains("requests[1].participation.printed_name"));
  EXPECT_THAT(fields, Contains("requests[1].participation.entity"));
  EXPECT_THAT(fields, Contains("requests[1].participation.position"));
  EXPECT_EQ(events_.calls, 0)
      << "invalid input never reaches the events service";
  // An explicit id that collides fails the whole batch in the store.
  v1::BatchCreateParticipationsRequest dup;
  dup.set_parent("events/kiev-2013");
  auto a = Participant("", "Albania", "entities/al", 0);
  a.set_participation_id("al");
  *dup.add_requests() = a;
  *dup.add_requests() = a;
  EXPECT_EQ(manager_->BatchCreateParticipations({}, dup).status().code(),
            absl::StatusCode::kAlreadyExists);
  v1::ListParticipationsRequest list;
  list.set_parent("events/kiev-2013");
  EXPECT_EQ(manager_->ListParticipations(list)->participations_size(), 0);
}

TEST_F(ParticipantManagerTest, EntityCrudIsVisibleToResolutionAtOnce) {
  v1::CreateEntityRequest create;
  create.mutable_entity()->set_kind(v1::ENTITY_KIND_ORGANIZATION);
  create.mutable_entity()->set_organization_kind(
      v1::ORGANIZATION_KIND_NGO_OR_ACADEMIA);
  create.mutable_entity()->set_display_name(
      "James Martin Center for Nonproliferation Studies");
  create.mutable_entity()->set_acronym("CNS");
  auto created = manager_->CreateEntity({}, create);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), "entities/cns");

  v1::ResolveEntitiesRequest resolve;
  resolve.add_names()->set_printed_name("CNS");
  auto r = manager_->ResolveEntities(resolve);
  ASSERT_EQ(r->resolutions(0).state(), v1::RESOLUTION_STATE_RESOLVED);

  v1::UpdateEntityRequest update;
  update.mutable_entity()->set_name(created->name());
  update.mutable_entity()->set_etag(created->etag());
  update.mutable_entity()->add_aliases("Monterey CNS");
  update.mutable_update_mask()->add_paths("aliases");
  auto updated = manager_->UpdateEntity({}, update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(manager_->UpdateEntity({}, update).status().code(),
            absl::StatusCode::kAborted);
  resolve.mutable_names(0)->set_printed_name("Monterey CNS");
  r = manager_->ResolveEntities(resolve);
  EXPECT_EQ(r->resolutions(0).entity().name(), "entities/cns");

  // Survives a restart.
  Open();
  v1::GetEntityRequest get;
  get.set_name("entities/cns");
  auto got = manager_->GetEntity(get);
  ASSERT_TRUE(got.ok());
  EXPECT_THAT(got->aliases(), Contains("Monterey CNS"));

  // In use: cannot be deleted.
  ASSERT_TRUE(
      manager_
          ->CreateParticipation(
              {}, Participant("events/kiev-2013", "CNS", "entities/cns", 0))
          .ok());
  v1::DeleteEntityRequest del;
  del.set_name("entities/cns");
  EXPECT_EQ(manager_->DeleteEntity({}, del).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ParticipantManagerTest, ValidationErrorsCarryFields) {
  v1::CreateEntityRequest create;
  create.mutable_entity()->set_kind(v1::ENTITY_KIND_ORGANIZATION);
  create.set_entity_id("xx");
  auto s = manager_->CreateEntity({}, create).status();
  std::vector<std::string> fields;
  for (const auto& v : GetFieldViolations(s)) fields.push_back(v.field);
  EXPECT_THAT(fields, Contains("entity.display_name"));
  EXPECT_THAT(fields, Contains("entity.organization_kind"));
  EXPECT_THAT(fields, Contains("entity_id"));

  v1::ResolveEntitiesRequest resolve;
  resolve.add_names();
  s = manager_->ResolveEntities(resolve).status();
  EXPECT_EQ(GetFieldViolations(s)[0].field, "names[0].printed_name");

  v1::CheckMembershipsRequest check;
  check.set_printed_group("States-Members of the OSCE");
  s = manager_->CheckMemberships(check).status();
  EXPECT_EQ(GetFieldViolations(s)[0].field, "as_of");
}

// A batch answers each check as CheckMemberships would, in request order,
// from one registry snapshot; a bad check anywhere fails it with the field
// path inside the batch.
TEST_F(ParticipantManagerTest, BatchCheckMembershipsAnswersEachCheckInOrder) {
  v1::CheckMembershipsRequest osce;
  osce.set_printed_group("States-Members of the OSCE");
  osce.mutable_as_of()->set_year(2013);
  osce.mutable_as_of()->set_month(11);
  osce.mutable_as_of()->set_day(5);
  for (const char* n : {"Albania", "Algeria", "Japan", "Russia", "Atlantis"})
    osce.add_printed_names(n);
  v1::CheckMembershipsRequest other = osce;
  other.set_printed_group("Other");
  v1::BatchCheckMembershipsRequest batch;
  *batch.add_requests() = other;
  *batch.add_requests() = osce;
  auto got = manager_->BatchCheckMemberships(batch);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->responses_size(), 2);
  auto alone = manager_->CheckMemberships(osce);
  ASSERT_TRUE(alone.ok()) << alone.status();
  EXPECT_GT(alone->mismatches_size(), 0);
  EXPECT_EQ(got->responses(1).SerializeAsString(), alone->SerializeAsString());
  auto other_alone = manager_->CheckMemberships(other);
  ASSERT_TRUE(other_alone.ok());
  EXPECT_EQ(got->responses(0).SerializeAsString(),
            other_alone->SerializeAsString());

  batch.mutable_requests(1)->clear_as_of();
  auto s = manager_->BatchCheckMemberships(batch).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& v : GetFieldViolations(s)) fields.push_back(v.field);
  EXPECT_THAT(fields, ::testing::ElementsAre("requests[1].as_of"));

  v1::BatchCheckMembershipsRequest empty;
  EXPECT_EQ(GetFieldViolations(manager_->BatchCheckMemberships(empty).status())
                .at(0)
                .field,
            "requests");
  // 1001 names in all, though each check alone is within its limit.
  v1::BatchCheckMembershipsRequest big;
  for (int r = 0; r < 2; ++r) {
    auto* one = big.add_requests();
    *one = osce;
    one->clear_printed_names();
    for (int i = 0; i < 500 + r; ++i) one->add_printed_names("Albania");
  }
  EXPECT_EQ(GetFieldViolations(manager_->BatchCheckMemberships(big).status())
                .at(0)
                .field,
            "requests");
}

// ListParticipations with include_membership_checks: one prepared check
// per run of a label on each page, which judged on any date answers what
// CheckMemberships answers for the same names on that date.
TEST_F(ParticipantManagerTest, ListedChecksJudgeAsCheckMembershipsOnAnyDate) {
  struct Row {
    const char* group;
    const char* printed;
    const char* entity;
  };
  const std::vector<Row> rows = {
      {"States-Members of the OSCE", "Albania", "entities/al"},
      {"States-Members of the OSCE", "Mongolia", "entities/mn"},
      {"States-Members of the OSCE", "Japan", "entities/jp"},
      {"Other", "Russia", "entities/ru"},
      {"", "Algeria", "entities/dz"}};
  v1::BatchCreateParticipationsRequest batch;
  batch.set_parent("events/kiev-2013");
  for (size_t i = 0; i < rows.size(); ++i) {
    auto r = Participant("", rows[i].printed, rows[i].entity,
                         static_cast<int>(i));
    r.mutable_participation()->set_printed_group(rows[i].group);
    *batch.add_requests() = r;
  }
  ASSERT_TRUE(manager_->BatchCreateParticipations({}, batch).ok());

  v1::ListParticipationsRequest plain;
  plain.set_parent("events/kiev-2013");
  auto without = manager_->ListParticipations(plain);
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_EQ(without->membership_checks_size(), 0);

  // Mongolia joined the OSCE on 2012-11-21.
  std::vector<outreach::type::v1::Date> dates(3);
  for (auto [d, ymd] : {std::pair{0, 20121120}, {1, 20121121}, {2, 20131105}}) {
    dates[d].set_year(ymd / 10000);
    dates[d].set_month(ymd / 100 % 100);
    dates[d].set_day(ymd % 100);
  }
  for (int page_size : {1000, 2}) {
    SCOPED_TRACE(page_size);
    v1::ListParticipationsRequest list = plain;
    list.set_include_membership_checks(true);
    list.set_page_size(page_size);
    std::vector<v1::UndatedMembershipCheck> checks;
    int pages = 0;
    do {
      auto page = manager_->ListParticipations(list);
      ASSERT_TRUE(page.ok()) << page.status();
      ++pages;
      for (const auto& c : page->membership_checks()) checks.push_back(c);
      list.set_page_token(page->next_page_token());
    } while (!list.page_token().empty());
    // Pages of two split the OSCE run in two: [Albania, Mongolia], [Japan,
    // Russia] (two runs), [Algeria] (no label).
    EXPECT_EQ(checks.size(), page_size == 2 ? 3u : 2u);
    for (const auto& date : dates) {
      std::vector<std::string> judged, asked;
      for (const auto& c : checks) {
        const auto answer = membership::Judge(c, date);
        for (const auto& m : answer.mismatches())
          judged.push_back(m.ShortDebugString());
      }
      for (const char* label : {"States-Members of the OSCE", "Other"}) {
        v1::CheckMembershipsRequest check;
        check.set_printed_group(label);
        *check.mutable_as_of() = date;
        for (const auto& row : rows) {
          if (std::string(row.group) == label) check.add_printed_names(row.printed);
        }
        auto answer = manager_->CheckMemberships(check);
        ASSERT_TRUE(answer.ok()) << answer.status();
        for (const auto& m : answer->mismatches())
          asked.push_back(m.ShortDebugString());
      }
      EXPECT_EQ(judged, asked) << date.ShortDebugString();
      // Japan is never a participating State; Mongolia only from 2012-11-21.
      EXPECT_EQ(judged.size(), date.year() == 2012 && date.day() == 20 ? 2u : 1u)
          << date.ShortDebugString();
    }
  }
}

TEST_F(ParticipantManagerTest, BatchGetNamesEveryMissingEntity) {
  v1::BatchGetEntitiesRequest req;
  req.add_names("entities/md");
  req.add_names("entities/al");
  auto got = manager_->BatchGetEntities(req);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->entities(0).iso_alpha2(), "MD");
  req.add_names("entities/atlantis");
  auto missing = manager_->BatchGetEntities(req);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("entities/atlantis"),
            std::string::npos);
  req.add_names("Moldova");
  EXPECT_EQ(manager_->BatchGetEntities(req).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ParticipantManagerTest, ListsEntitiesByPageAndFilter) {
  v1::ListEntitiesRequest req;
  req.set_filter("member_of = OSCE_PARTICIPATING_STATE");
  req.set_page_size(20);
  std::set<std::string> seen;
  do {
    auto page = manager_->ListEntities(req);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& e : page->entities())
      EXPECT_TRUE(seen.insert(e.name()).second);
    req.set_page_token(page->next_page_token());
  } while (!req.page_token().empty());
  EXPECT_EQ(seen.size(), 57u);
  req.set_filter("text : korea");
  req.set_page_size(0);
  auto korea = manager_->ListEntities(req);
  EXPECT_EQ(korea->entities_size(), 2);
}

}  // namespace
}  // namespace outreach::participants

namespace outreach::participants {
namespace {

// A batch with a request id is idempotent: a retry after a lost reply gets
// the same participations, not ALREADY_EXISTS; but never those deleted
// since.
TEST_F(ParticipantManagerTest, BatchRequestIdsReplayButNeverResurrect) {
  v1::BatchCreateParticipationsRequest batch;
  batch.set_parent("events/kiev-2013");
  batch.set_request_id("6b0f9c3e-2f1a-4c8e-9d2b-7a5e4f3c2b1a");
  *batch.add_requests() = Participant("", "Albania", "entities/al", 0);
  *batch.add_requests() = Participant("", "Moldova", "entities/md", 1);
  batch.mutable_requests(0)->set_participation_id("p0");
  batch.mutable_requests(1)->set_participation_id("p1");
  auto first = manager_->BatchCreateParticipations({}, batch);
  ASSERT_TRUE(first.ok()) << first.status();
  auto retry = manager_->BatchCreateParticipations({}, batch);
  ASSERT_TRUE(retry.ok()) << retry.status();
  ASSERT_EQ(retry->participations_size(), 2);
  EXPECT_EQ(retry->participations(1).name(), first->participations(1).name());
  EXPECT_EQ(retry->participations(1).etag(), first->participations(1).etag());

  v1::BatchCreateParticipationsRequest other = batch;
  other.mutable_requests(0)->mutable_participation()->set_printed_name("Malta");
  EXPECT_EQ(manager_->BatchCreateParticipations({}, other).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::DeleteParticipationRequest del;
  del.set_name(first->participations(0).name());
  ASSERT_TRUE(manager_->DeleteParticipation({}, del).ok());
  // The reply is not replayed (it names p0, which is gone); the batch runs
  // again, all or none, and p1 is taken.
  auto after = manager_->BatchCreateParticipations({}, batch);
  EXPECT_EQ(after.status().code(), absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace outreach::participants

namespace outreach::participants {
namespace {

// CreateEntity with a request id: a retry gets the entity created first,
// not a second one under a generated "-2" id.
TEST_F(ParticipantManagerTest, CreateEntityWithARequestIdIsIdempotent) {
  v1::CreateEntityRequest create;
  create.mutable_entity()->set_kind(v1::ENTITY_KIND_ORGANIZATION);
  create.mutable_entity()->set_organization_kind(
      v1::ORGANIZATION_KIND_NGO_OR_ACADEMIA);
  create.mutable_entity()->set_display_name("Verification Research Centre");
  create.set_request_id("2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901");
  auto first = manager_->CreateEntity({}, create);
  ASSERT_TRUE(first.ok()) << first.status();
  auto retry = manager_->CreateEntity({}, create);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->name(), first->name());
  create.clear_request_id();
  auto other = manager_->CreateEntity({}, create);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->name(), first->name()) << "without an id, a new entity";
}

}  // namespace
}  // namespace outreach::participants
