#include "services/events/event_manager.h"

#include <sqlite3.h>

#include <map>

#include "common/cache/in_memory_cache.h"
#include "common/status/status_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/events/sql_event_store.h"
#include "services/events/test_util.h"

#ifdef OUTREACH_TEST_POSTGRES
#include "tests/testing/postgres_test_database.h"
#endif

namespace outreach::events {
namespace {

using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;

class EventManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifdef OUTREACH_TEST_POSTGRES
    // The same tests on PostgreSQL (events_postgres_store_test).
    auto db = outreach::testing::OpenTestDatabase(
        dir_.path(), "events", SqlEventStore::Migrations().postgres);
    ASSERT_NE(db, nullptr);
    store_ = std::make_unique<SqlEventStore>(std::move(db));
#else
    SqliteOptions options;
    options.path = dir_.path() + "/events.db";
    auto store = SqlEventStore::Open(options);
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
#endif
    auto countries = CountryRegistry::Load();
    ASSERT_TRUE(countries.ok());
    countries_ = std::move(*countries);
    CacheAsideOptions cache_options;
    cache_options.epoch = 1;
    aside_ = std::make_unique<CacheAside>(&cache_, cache_options);
    manager_ = std::make_unique<EventManager>(store_.get(), aside_.get(),
                                              countries_.get(), &clock_);
  }

  v1::Event Create(const v1::Event& e, const std::string& id = "") {
    v1::CreateEventRequest req;
    *req.mutable_event() = e;
    req.set_event_id(id);
    auto created = manager_->CreateEvent({}, req);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : v1::Event();
  }

  v1::Event Get(const std::string& name) {
    v1::GetEventRequest req;
    req.set_name(name);
    auto got = manager_->GetEvent(req);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? *got : v1::Event();
  }

  testing::TempDir dir_;
  FakeClock clock_;
  InMemoryCache cache_;
  std::unique_ptr<SqlEventStore> store_;
  std::unique_ptr<CountryRegistry> countries_;
  std::unique_ptr<CacheAside> aside_;
  std::unique_ptr<EventManager> manager_;
};

TEST_F(EventManagerTest, CreateMakesAReadableSlugAndOutputFields) {
  v1::Event e = Create(testing::KievWorkshop());
  EXPECT_EQ(e.name(),
            "events/regional-workshop-on-the-implementation-of-unsc-2013");
  EXPECT_FALSE(e.etag().empty());
  EXPECT_EQ(e.create_time().seconds(), absl::ToUnixSeconds(clock_.Now()));
  v1::Event second = Create(testing::KievWorkshop());
  EXPECT_EQ(second.name(),
            "events/regional-workshop-on-the-implementation-of-unsc-2013-2");
}

TEST_F(EventManagerTest, EndDateDefaultsToStartDate) {
  v1::Event e = testing::KievWorkshop();
  e.clear_end_date();
  v1::Event created = Create(e);
  EXPECT_EQ(created.end_date().day(), 5);
}

TEST_F(EventManagerTest, ExplicitDuplicateIdIsAlreadyExists) {
  Create(testing::KievWorkshop(), "kiev-2013");
  v1::CreateEventRequest req;
  *req.mutable_event() = testing::KievWorkshop();
  req.set_event_id("kiev-2013");
  EXPECT_EQ(manager_->CreateEvent({}, req).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(EventManagerTest, RetriedCreateReturnsTheSameEvent) {
  v1::CreateEventRequest req;
  *req.mutable_event() = testing::KievWorkshop();
  req.set_request_id("6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f");
  auto first = manager_->CreateEvent({}, req);
  auto retry = manager_->CreateEvent({}, req);
  ASSERT_TRUE(first.ok() && retry.ok());
  EXPECT_EQ(first->name(), retry->name());
  EXPECT_EQ(first->etag(), retry->etag());
  v1::ListEventsRequest list;
  EXPECT_EQ(manager_->ListEvents(list)->events_size(), 1);
  req.mutable_event()->set_title("Something else");
  auto reused = manager_->CreateEvent({}, req);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetFieldViolations(reused.status())[0].field, "request_id");
}

TEST_F(EventManagerTest, ValidationErrorsCarryFields) {
  v1::CreateEventRequest req;
  *req.mutable_event() = testing::KievWorkshop();
  req.mutable_event()->mutable_venue()->set_country_code("ZZ");
  req.set_event_id("Bad Id");
  req.set_request_id("not-a-uuid");
  auto s = manager_->CreateEvent({}, req).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  auto v = GetFieldViolations(s);
  EXPECT_THAT(v, Contains(Field(&FieldViolation::field, "event_id")));
  EXPECT_THAT(v, Contains(Field(&FieldViolation::field, "request_id")));
  EXPECT_THAT(
      v, Contains(Field(&FieldViolation::field, "event.venue.country_code")));
  EXPECT_EQ(manager_->ListEvents({})->events_size(), 0) << "nothing stored";
}

TEST_F(EventManagerTest, ValidateOnlyStoresNothing) {
  v1::CreateEventRequest req;
  *req.mutable_event() = testing::KievWorkshop();
  req.set_validate_only(true);
  auto e = manager_->CreateEvent({}, req);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(manager_->ListEvents({})->events_size(), 0);
}

TEST_F(EventManagerTest, UpdateHonoursMaskAndEtag) {
  v1::Event e = Create(testing::KievWorkshop());
  v1::UpdateEventRequest req;
  req.mutable_event()->set_name(e.name());
  req.mutable_event()->set_etag(e.etag());
  req.mutable_event()->set_title("New title");
  req.mutable_event()->mutable_venue()->set_city("Kyiv");
  req.mutable_update_mask()->add_paths("venue.city");
  clock_.Advance(absl::Seconds(5));
  auto updated = manager_->UpdateEvent({}, req);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->title(), e.title()) << "title was not in the mask";
  EXPECT_EQ(updated->venue().city(), "Kyiv");
  EXPECT_EQ(updated->venue().country_code(), "UA");
  EXPECT_NE(updated->etag(), e.etag());
  EXPECT_EQ(updated->create_time().seconds(), e.create_time().seconds());
  EXPECT_EQ(updated->update_time().seconds(), e.create_time().seconds() + 5);
  // The same (now stale) etag again.
  EXPECT_EQ(manager_->UpdateEvent({}, req).status().code(),
            absl::StatusCode::kAborted);
}

TEST_F(EventManagerTest, UpdateWithoutMaskUsesPopulatedFields) {
  v1::Event e = Create(testing::KievWorkshop());
  v1::UpdateEventRequest req;
  req.mutable_event()->set_name(e.name());
  req.mutable_event()->set_status(v1::EVENT_STATUS_CANCELLED);
  auto updated = manager_->UpdateEvent({}, req);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->status(), v1::EVENT_STATUS_CANCELLED);
  EXPECT_EQ(updated->title(), e.title());
}

TEST_F(EventManagerTest, UpdateRejectsUnknownPathsAndInvalidResults) {
  v1::Event e = Create(testing::KievWorkshop());
  v1::UpdateEventRequest req;
  req.mutable_event()->set_name(e.name());
  req.mutable_update_mask()->add_paths("colour");
  auto s = manager_->UpdateEvent({}, req).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetFieldViolations(s)[0].field, "update_mask.paths[0]");

  req.mutable_update_mask()->Clear();
  req.mutable_update_mask()->add_paths("title");  // clears the title
  s = manager_->UpdateEvent({}, req).status();
  EXPECT_THAT(GetFieldViolations(s),
              Contains(Field(&FieldViolation::field, "event.title")));
  EXPECT_EQ(Get(e.name()).title(), e.title()) << "nothing changed";
}

TEST_F(EventManagerTest, ReadAfterWriteThroughTheCache) {
  v1::Event e = Create(testing::KievWorkshop());
  Get(e.name());  // fills the cache
  Get(e.name());
  EXPECT_GE(cache_.hits(), 1);
  v1::UpdateEventRequest req;
  req.mutable_event()->set_name(e.name());
  req.mutable_event()->set_title("Changed");
  req.mutable_update_mask()->add_paths("title");
  ASSERT_TRUE(manager_->UpdateEvent({}, req).ok());
  EXPECT_EQ(Get(e.name()).title(), "Changed");
  v1::DeleteEventRequest del;
  del.set_name(e.name());
  ASSERT_TRUE(manager_->DeleteEvent({}, del).ok());
  v1::GetEventRequest get;
  get.set_name(e.name());
  EXPECT_EQ(manager_->GetEvent(get).status().code(),
            absl::StatusCode::kNotFound);
}

// The in-process cache in front of the shared one: hits cost no round
// trip, and every write drops the entry before it is acknowledged.
TEST_F(EventManagerTest, ReadAfterWriteThroughTheNearCache) {
  NearCache<v1::Event> near(1 << 20,
                            [](const v1::Event& e) { return e.ByteSizeLong(); });
  manager_ = std::make_unique<EventManager>(
      store_.get(), aside_.get(), countries_.get(), &clock_, nullptr, &near);
  v1::Event e = Create(testing::KievWorkshop());
  EXPECT_EQ(Get(e.name()).etag(), e.etag());  // fills both caches
  const int64_t shared_hits = cache_.hits();
  EXPECT_EQ(Get(e.name()).etag(), e.etag());
  EXPECT_EQ(near.stats().hits, 1);
  EXPECT_EQ(cache_.hits(), shared_hits);  // Redis was not asked
  v1::UpdateEventRequest req;
  req.mutable_event()->set_name(e.name());
  req.mutable_event()->set_title("Changed");
  req.mutable_update_mask()->add_paths("title");
  ASSERT_TRUE(manager_->UpdateEvent({}, req).ok());
  EXPECT_EQ(Get(e.name()).title(), "Changed");
  EXPECT_EQ(Get(e.name()).title(), "Changed");
  v1::DeleteEventRequest del;
  del.set_name(e.name());
  ASSERT_TRUE(manager_->DeleteEvent({}, del).ok());
  v1::GetEventRequest get;
  get.set_name(e.name());
  EXPECT_EQ(manager_->GetEvent(get).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(EventManagerTest, BatchGetAnswersInOrderAndFailsAsAWhole) {
  v1::Event a = Create(testing::KievWorkshop());
  v1::Event changed = testing::KievWorkshop();
  changed.set_title("Another workshop");
  v1::Event b = Create(changed);
  v1::BatchGetEventsRequest req;
  req.add_names(b.name());
  req.add_names(a.name());
  req.add_names(b.name());
  auto got = manager_->BatchGetEvents(req);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->events_size(), 3);
  EXPECT_EQ(got->events(0).name(), b.name());
  EXPECT_EQ(got->events(1).name(), a.name());
  EXPECT_EQ(got->events(1).etag(), a.etag());
  EXPECT_EQ(got->events(2).title(), "Another workshop");

  req.add_names("events/never-made");
  got = manager_->BatchGetEvents(req);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(got.status().message()),
              ::testing::HasSubstr("events/never-made"));

  req.set_names(1, "evnts/typo");
  got = manager_->BatchGetEvents(req);
  ASSERT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_FALSE(GetFieldViolations(got.status()).empty());
  EXPECT_EQ(GetFieldViolations(got.status())[0].field, "names[1]");

  EXPECT_EQ(manager_->BatchGetEvents({}).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::BatchGetEventsRequest big;
  for (int i = 0; i <= EventManager::kMaxBatchGet; ++i) {
    big.add_names(a.name());
  }
  got = manager_->BatchGetEvents(big);
  ASSERT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetFieldViolations(got.status())[0].field, "names");
}

TEST_F(EventManagerTest, SummarizeNamesKindsAndYearsLargestFirst) {
  v1::Event visit = testing::KievWorkshop();
  visit.set_kind(v1::EVENT_KIND_COUNTRY_VISIT);
  visit.mutable_venue()->set_country_code("MD");
  visit.mutable_start_date()->set_year(2014);
  visit.mutable_end_date()->set_year(2014);
  Create(testing::KievWorkshop());
  Create(testing::KievWorkshop());
  Create(visit);
  auto got = manager_->SummarizeEvents(v1::SummarizeEventsRequest());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->event_count(), 3);
  ASSERT_EQ(got->by_kind_size(), 2);
  EXPECT_EQ(got->by_kind(0).key(), "EVENT_KIND_REGIONAL_WORKSHOP");
  EXPECT_EQ(got->by_kind(0).count(), 2);
  EXPECT_EQ(got->by_kind(1).key(), "EVENT_KIND_COUNTRY_VISIT");
  ASSERT_EQ(got->by_year_size(), 2);
  EXPECT_EQ(got->by_year(0).key(), "2013");
  EXPECT_EQ(got->by_year(1).key(), "2014");
  ASSERT_EQ(got->by_country_size(), 2);
  EXPECT_EQ(got->by_country(0).key(), "UA");
  EXPECT_EQ(got->by_country(0).count(), 2);
  EXPECT_EQ(got->by_country(1).key(), "MD");

  // A delete is counted at once: the counts are the store's, not a cache.
  v1::DeleteEventRequest del;
  auto listed = manager_->ListEvents(v1::ListEventsRequest());
  ASSERT_TRUE(listed.ok());
  for (const auto& e : listed->events()) {
    if (e.kind() == v1::EVENT_KIND_COUNTRY_VISIT) del.set_name(e.name());
  }
  ASSERT_TRUE(manager_->DeleteEvent({}, del).ok());
  got = manager_->SummarizeEvents(v1::SummarizeEventsRequest());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->event_count(), 2);
  ASSERT_EQ(got->by_country_size(), 1);
  EXPECT_EQ(got->by_country(0).key(), "UA");
}

#ifndef OUTREACH_TEST_POSTGRES
// Kinds a newer binary wrote, which this one does not know, are all shown
// as EVENT_KIND_UNSPECIFIED: once, with their counts added, never as two
// entries with the same key.
TEST_F(EventManagerTest, SummarizeListsEachKeyOnce) {
  Create(testing::KievWorkshop());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_.path() + "/events.db").c_str(), &db),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "INSERT INTO counts VALUES ('kind', '98', 2), "
                         "('kind', '99', 3)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto got = manager_->SummarizeEvents(v1::SummarizeEventsRequest());
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->by_kind_size(), 2);
  EXPECT_EQ(got->by_kind(0).key(), "EVENT_KIND_UNSPECIFIED");
  EXPECT_EQ(got->by_kind(0).count(), 5);
  EXPECT_EQ(got->by_kind(1).key(), "EVENT_KIND_REGIONAL_WORKSHOP");
  EXPECT_EQ(got->event_count(), 6);
}
#endif

TEST_F(EventManagerTest, CacheOutageNeverFailsAndNeverServesStale) {
  v1::Event e = Create(testing::KievWorkshop());
  Get(e.name());
  cache_.set_available(false);
  v1::UpdateEventRequest req;
  req.mutable_event()->set_name(e.name());
  req.mutable_event()->set_title("During the outage");
  req.mutable_update_mask()->add_paths("title");
  ASSERT_TRUE(manager_->UpdateEvent({}, req).ok());
  EXPECT_EQ(Get(e.name()).title(), "During the outage");
  cache_.set_available(true);  // back, with the old entry still in it
  EXPECT_EQ(Get(e.name()).title(), "During the outage");
  EXPECT_EQ(Get(e.name()).title(), "During the outage");
}

TEST_F(EventManagerTest, ParentEventMustExistAndNotLoop) {
  v1::Event parent = Create(testing::KievWorkshop(), "kiev");
  v1::Event child = testing::KievWorkshop();
  child.set_kind(v1::EVENT_KIND_BILATERAL_CONSULTATION);
  child.set_parent_event("events/missing");
  v1::CreateEventRequest req;
  *req.mutable_event() = child;
  EXPECT_EQ(manager_->CreateEvent({}, req).status().code(),
            absl::StatusCode::kFailedPrecondition);
  child.set_parent_event(parent.name());
  v1::Event created = Create(child, "albania-consultations");

  v1::UpdateEventRequest loop;
  loop.mutable_event()->set_name(parent.name());
  loop.mutable_event()->set_parent_event(created.name());
  loop.mutable_update_mask()->add_paths("parent_event");
  EXPECT_EQ(manager_->UpdateEvent({}, loop).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::DeleteEventRequest del;
  del.set_name(parent.name());
  auto s = manager_->DeleteEvent({}, del);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("albania-consultations"));
}

TEST_F(EventManagerTest, DeleteWithStaleEtagIsAborted) {
  v1::Event e = Create(testing::KievWorkshop());
  v1::UpdateEventRequest req;
  req.mutable_event()->set_name(e.name());
  req.mutable_event()->set_title("Changed");
  ASSERT_TRUE(manager_->UpdateEvent({}, req).ok());
  v1::DeleteEventRequest del;
  del.set_name(e.name());
  del.set_etag(e.etag());
  EXPECT_EQ(manager_->DeleteEvent({}, del).code(), absl::StatusCode::kAborted);
  del.set_etag("garbage");
  EXPECT_EQ(manager_->DeleteEvent({}, del).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace outreach::events

namespace outreach::events {
namespace {

// What other services keep under events, in memory; can fail once.
class FakeDependents : public EventDependents {
 public:
  absl::StatusOr<std::vector<std::string>> Find(const CallScope&,
                                                const std::string& event,
                                                int limit) override {
    std::vector<std::string> out;
    for (const auto& [name, parent] : records) {
      if (parent == event && static_cast<int>(out.size()) < limit) {
        out.push_back(name);
      }
    }
    return out;
  }
  absl::Status DeleteAll(const CallScope&, const std::string& event) override {
    for (auto it = records.begin(); it != records.end();) {
      if (it->second != event) {
        ++it;
        continue;
      }
      if (fail_after >= 0 && fail_after-- == 0) {
        return absl::UnavailableError("the participants service went away");
      }
      it = records.erase(it);
    }
    return absl::OkStatus();
  }
  std::map<std::string, std::string> records;  // name -> event
  int fail_after = -1;
};

class DeleteEventTest : public EventManagerTest {
 protected:
  void SetUp() override {
    EventManagerTest::SetUp();
    manager_ = std::make_unique<EventManager>(
        store_.get(), aside_.get(), countries_.get(), &clock_, &dependents_);
  }
  FakeDependents dependents_;
};

TEST_F(DeleteEventTest, RefusedWhileRecordsReferToTheEvent) {
  const v1::Event e = Create(testing::KievWorkshop(), "kiev");
  dependents_.records = {{"events/kiev/participations/p0", "events/kiev"},
                         {"recommendations/kiev-o1", "events/kiev"}};
  v1::DeleteEventRequest del;
  del.set_name(e.name());
  auto s = manager_->DeleteEvent({}, del);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("events/kiev/participations/p0"));
  EXPECT_THAT(s.message(), HasSubstr("force"));
  EXPECT_EQ(Get(e.name()).name(), e.name()) << "nothing was deleted";
}

TEST_F(DeleteEventTest, ForceDeletesEverythingAndCanBeRunAgain) {
  const v1::Event e = Create(testing::KievWorkshop(), "kiev");
  dependents_.records = {{"events/kiev/participations/p0", "events/kiev"},
                         {"events/kiev/participations/p1", "events/kiev"},
                         {"recommendations/kiev-o1", "events/kiev"},
                         {"recommendations/other-o1", "events/other"}};
  dependents_.fail_after = 1;
  v1::DeleteEventRequest del;
  del.set_name(e.name());
  del.set_force(true);
  // Fails part-way: the event stays, so the delete can be run again.
  EXPECT_EQ(manager_->DeleteEvent({}, del).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(Get(e.name()).name(), e.name());
  ASSERT_TRUE(manager_->DeleteEvent({}, del).ok());
  EXPECT_EQ(dependents_.records.size(), 1u) << "another event's record stays";
  v1::GetEventRequest get;
  get.set_name(e.name());
  EXPECT_EQ(manager_->GetEvent(get).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace outreach::events
