#include "services/events/event_store_conformance.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/resource/resource_ids.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "services/events/test_util.h"

namespace outreach::events::testing {
namespace {

using google::protobuf::util::TimeUtil;

v1::Event Named(v1::Event e, const std::string& id, int64_t micros = 1) {
  e.set_name("events/" + id);
  *e.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(micros);
  *e.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(micros);
  if (!e.has_end_date()) *e.mutable_end_date() = e.start_date();
  return e;
}

TEST_P(EventStoreConformanceTest, CreateGetUpdateDelete) {
  TempDir dir;
  auto store = GetParam()(dir.path());
  auto created = store->Create(Named(KievWorkshop(), "kiev"), "", "", {});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_FALSE(created->replayed);
  auto got = store->Get("kiev");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->revision, created->stored.revision);
  EXPECT_EQ(got->event.title(), KievWorkshop().title());

  v1::Event changed = got->event;
  changed.set_title("Renamed");
  auto updated = store->Update(changed, got->revision, {});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_GT(updated->revision, got->revision);
  EXPECT_EQ(store->Get("kiev")->event.title(), "Renamed");

  EXPECT_EQ(store->Update(changed, got->revision, {}).status().code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(store->Delete("kiev", got->revision, {}).status().code(),
            absl::StatusCode::kAborted);
  auto deleted = store->Delete("kiev", updated->revision, {});
  ASSERT_TRUE(deleted.ok());
  EXPECT_GT(*deleted, updated->revision);
  EXPECT_EQ(store->Get("kiev").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store->Delete("kiev", 0, {}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(EventStoreConformanceTest, DuplicateIdIsAlreadyExists) {
  TempDir dir;
  auto store = GetParam()(dir.path());
  ASSERT_TRUE(store->Create(Named(KievWorkshop(), "kiev"), "", "", {}).ok());
  EXPECT_EQ(
      store->Create(Named(KievWorkshop(), "kiev"), "", "", {}).status().code(),
      absl::StatusCode::kAlreadyExists);
}

TEST_P(EventStoreConformanceTest, RevisionsNeverRepeatAcrossDeletes) {
  TempDir dir;
  auto store = GetParam()(dir.path());
  auto a = store->Create(Named(KievWorkshop(), "kiev"), "", "", {});
  auto d = store->Delete("kiev", 0, {});
  auto b = store->Create(Named(KievWorkshop(), "kiev-2"), "", "", {});
  ASSERT_TRUE(a.ok() && d.ok() && b.ok());
  EXPECT_LT(a->stored.revision, *d);
  EXPECT_LT(*d, b->stored.revision);
}

// Records of other services refer to events by id: a new event must never
// take the id of a deleted one, or it would inherit what was left under it.
TEST_P(EventStoreConformanceTest, TheIdOfADeletedEventIsNeverReused) {
  TempDir dir;
  auto store = GetParam()(dir.path());
  ASSERT_TRUE(store->Create(Named(KievWorkshop(), "kiev"), "", "", {}).ok());
  ASSERT_TRUE(store->Delete("kiev", 0, {}).ok());
  auto again = store->Create(Named(KievWorkshop(), "kiev"), "", "", {});
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(again.status().message(), ::testing::HasSubstr("deleted"));
}

// A retry of a create whose event was deleted since must not be answered
// with the deleted event as if it existed.
TEST_P(EventStoreConformanceTest, AReplayDoesNotResurrectADeletedEvent) {
  TempDir dir;
  auto store = GetParam()(dir.path());
  ASSERT_TRUE(
      store->Create(Named(KievWorkshop(), "kiev"), "req-1", "bytes", {}).ok());
  ASSERT_TRUE(store->Delete("kiev", 0, {}).ok());
  auto retry = store->Create(Named(KievWorkshop(), "kiev"), "req-1", "bytes", {});
  EXPECT_EQ(retry.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store->Get("kiev").status().code(), absl::StatusCode::kNotFound);
}

TEST_P(EventStoreConformanceTest, ListsByImportState) {
  TempDir dir;
  auto store = GetParam()(dir.path());
  auto importing = Named(KievWorkshop(), "importing");
  importing.mutable_note_import()->set_state(
      outreach::events::v1::IMPORT_STATE_IMPORTING);
  auto complete = Named(KievWorkshop(), "complete");
  complete.mutable_note_import()->set_state(
      outreach::events::v1::IMPORT_STATE_COMPLETE);
  ASSERT_TRUE(store->Create(importing, "", "", {}).ok());
  ASSERT_TRUE(store->Create(complete, "", "", {}).ok());
  ASSERT_TRUE(store->Create(Named(KievWorkshop(), "plain"), "", "", {}).ok());
  auto query = BuildListQuery(10, "", "import_state = IMPORTING", "");
  ASSERT_TRUE(query.ok()) << query.status();
  auto page = store->List(*query);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].event.name(), "events/importing");
  // A state written by an update is what the filter reads.
  auto stored = store->Get("importing");
  ASSERT_TRUE(stored.ok());
  stored->event.mutable_note_import()->set_state(
      outreach::events::v1::IMPORT_STATE_COMPLETE);
  ASSERT_TRUE(store->Update(stored->event, stored->revision, {}).ok());
  page = store->List(*query);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->events.empty());
}

TEST_P(EventStoreConformanceTest, RequestIdReplaysAndRefusesReuse) {
  TempDir dir;
  auto store = GetParam()(dir.path());
  auto first = store->Create(Named(KievWorkshop(), "kiev"), "req-1", "bytes", {});
  ASSERT_TRUE(first.ok());
  auto again = store->Create(Named(KievWorkshop(), "kiev-2"), "req-1", "bytes", {});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->stored.event.name(), "events/kiev");
  EXPECT_EQ(again->stored.revision, first->stored.revision);
  EXPECT_EQ(store->Get("kiev-2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store->Create(Named(KievWorkshop(), "other"), "req-1", "different", {})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(EventStoreConformanceTest, FiltersAndKeysetPages) {
  TempDir dir;
  auto store = GetParam()(dir.path());
  for (int i = 0; i < 25; ++i) {
    v1::Event e = MakeEvent(absl::StrCat("Workshop ", i), 2010 + i % 5,
                            1 + i % 12, 1 + i, i % 2 ? "UA" : "KZ");
    if (i % 3 == 0) e.add_topics("Export Control");
    ASSERT_TRUE(
        store->Create(Named(e, absl::StrCat("w", i), 100 + i), "", "", {}).ok());
  }
  ListQuery q;
  q.page_size = 4;
  q.terms.push_back({FilterField::kCountry, FilterOp::kEq, "UA", 0});
  std::set<std::string> seen;
  std::string last_date = "9999";
  int pages = 0;
  while (true) {
    auto page = store->List(q);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    for (const auto& s : page->events) {
      EXPECT_EQ(s.event.venue().country_code(), "UA");
      EXPECT_TRUE(seen.insert(s.event.name()).second) << "repeated";
      const std::string date = absl::StrCat(
          s.event.start_date().year() * 10000 +
          s.event.start_date().month() * 100 + s.event.start_date().day());
      EXPECT_LE(date, last_date) << "default order is start_date desc";
      last_date = date;
    }
    if (!page->next.has_value()) break;
    q.after = page->next;
    // An insert between pages must not shift what follows.
    ASSERT_TRUE(store
                    ->Create(Named(MakeEvent("Late", 2030, 1, 1, "UA"),
                                   absl::StrCat("late", pages)),
                             "", "", {})
                    .ok());
  }
  EXPECT_EQ(seen.size(), 12u);  // the 12 odd-numbered events, no late ones
  EXPECT_EQ(pages, 3);

  ListQuery topic;
  topic.terms.push_back(
      {FilterField::kTopic, FilterOp::kEq, "export control", 0});
  topic.page_size = 100;
  EXPECT_EQ(store->List(topic)->events.size(), 9u);

  ListQuery text;
  text.terms.push_back({FilterField::kText, FilterOp::kHas, "workshop 1", 0});
  text.page_size = 100;
  EXPECT_EQ(store->List(text)->events.size(), 11u);  // 1, 10-19

  ListQuery range;
  range.terms.push_back(
      {FilterField::kStartDate, FilterOp::kGe, "2014-01-01", 0});
  range.page_size = 100;
  auto in_range = store->List(range);
  ASSERT_TRUE(in_range.ok());
  EXPECT_FALSE(in_range->events.empty());
  for (const auto& s : in_range->events) {
    EXPECT_GE(s.event.start_date().year(), 2014);
  }
}

TEST_P(EventStoreConformanceTest, OrderByCreateTimeAscending) {
  TempDir dir;
  auto store = GetParam()(dir.path());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store
                    ->Create(Named(MakeEvent("E", 2013, 1, 1, "UA"),
                                   absl::StrCat("e", i), 1000 - i),
                             "", "", {})
                    .ok());
  }
  ListQuery q;
  q.order = {OrderField::kCreateTime, false};
  q.page_size = 2;
  std::vector<std::string> names;
  while (true) {
    auto page = store->List(q);
    ASSERT_TRUE(page.ok());
    for (const auto& s : page->events) names.push_back(s.event.name());
    if (!page->next) break;
    q.after = page->next;
  }
  EXPECT_THAT(names,
              ::testing::ElementsAre("events/e4", "events/e3", "events/e2",
                                     "events/e1", "events/e0"));
}

TEST_P(EventStoreConformanceTest, DataSurvivesReopen) {
  TempDir dir;
  int64_t revision = 0;
  {
    auto store = GetParam()(dir.path());
    auto c = store->Create(Named(KievWorkshop(), "kiev"), "", "", {});
    ASSERT_TRUE(c.ok());
    revision = c->stored.revision;
  }
  auto store = GetParam()(dir.path());
  auto got = store->Get("kiev");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->revision, revision);
  auto next = store->Create(Named(KievWorkshop(), "kiev-2"), "", "", {});
  ASSERT_TRUE(next.ok());
  EXPECT_GT(next->stored.revision, revision);
}

TEST_P(EventStoreConformanceTest, EveryWriteAndOnlyWritesAreAudited) {
  TempDir dir;
  auto store = GetParam()(dir.path());
  const AuditEntry editor{"editor via gateway",
                          "/outreach.events.v1.EventsService/CreateEvent",
                          "req-1"};
  auto created =
      store->Create(Named(KievWorkshop(), "kiev"), "req-1", "bytes", editor);
  ASSERT_TRUE(created.ok());
  // A replay writes nothing, so records nothing.
  ASSERT_TRUE(store->Create(Named(KievWorkshop(), "kiev"), "req-1", "bytes",
                            editor)
                  ->replayed);
  v1::Event changed = created->stored.event;
  changed.set_title("Renamed");
  const AuditEntry admin{"admin", "/x/UpdateEvent", ""};
  auto updated = store->Update(changed, created->stored.revision, admin);
  ASSERT_TRUE(updated.ok());
  // A refused write records nothing either.
  EXPECT_FALSE(store->Update(changed, created->stored.revision, admin).ok());
  ASSERT_TRUE(store->Delete("kiev", updated->revision, admin).ok());

  AuditQuery all;
  auto page = store->ListAudit(all);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 3u);
  const auto& c = page->records[0];
  EXPECT_EQ(c.actor(), "editor via gateway");
  EXPECT_EQ(c.method(), "/outreach.events.v1.EventsService/CreateEvent");
  EXPECT_EQ(c.resource(), "events/kiev");
  EXPECT_EQ(c.etag_before(), "");
  EXPECT_EQ(c.etag_after(), EtagForRevision(created->stored.revision));
  EXPECT_EQ(c.request_id(), "req-1");
  EXPECT_EQ(page->records[1].etag_before(),
            EtagForRevision(created->stored.revision));
  EXPECT_EQ(page->records[1].etag_after(), EtagForRevision(updated->revision));
  EXPECT_EQ(page->records[2].etag_before(), EtagForRevision(updated->revision));
  EXPECT_EQ(page->records[2].etag_after(), "");
  EXPECT_GT(page->records[2].time().seconds(), 0);

  AuditQuery by_admin;
  by_admin.actor = "admin";
  by_admin.page_size = 1;
  auto first = store->ListAudit(by_admin);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->records.size(), 1u);
  EXPECT_TRUE(first->more);
  EXPECT_EQ(first->records[0].etag_after(), EtagForRevision(updated->revision));
}

// The kept counts (common/sql/stored_counts.h) must equal a recount of the
// events after any mix of writes, including writes that are refused.
TEST_P(EventStoreConformanceTest, KeptCountsEqualARecountOfTheEvents) {
  TempDir dir;
  auto store = GetParam()(dir.path());
  std::map<std::string, v1::Event> live;  // the model the counts must match
  auto make = [](const std::string& id, v1::EventKind kind,
                 const std::string& country, int year) {
    v1::Event e = Named(KievWorkshop(), id);
    e.set_kind(kind);
    e.mutable_venue()->set_country_code(country);
    e.mutable_start_date()->set_year(year);
    e.mutable_end_date()->set_year(year);
    return e;
  };
  for (const auto& e : {make("a", v1::EVENT_KIND_REGIONAL_WORKSHOP, "UA", 2013),
                        make("b", v1::EVENT_KIND_REGIONAL_WORKSHOP, "UA", 2014),
                        make("c", v1::EVENT_KIND_COUNTRY_VISIT, "MD", 2014),
                        make("d", v1::EVENT_KIND_COUNTRY_VISIT, "", 2015),
                        make("e", v1::EVENT_KIND_ROUND_TABLE, "KZ", 2016)}) {
    auto created = store->Create(e, "", "", {});
    ASSERT_TRUE(created.ok()) << created.status();
    live[e.name()] = e;
  }
  // An update that moves every counted column.
  auto b = store->Get("b");
  ASSERT_TRUE(b.ok());
  v1::Event moved = make("b", v1::EVENT_KIND_COUNTRY_VISIT, "", 2020);
  ASSERT_TRUE(store->Update(moved, b->revision, {}).ok());
  live[moved.name()] = moved;
  // Refused writes move nothing: a stale update, a duplicate create.
  EXPECT_FALSE(store
                   ->Update(make("b", v1::EVENT_KIND_ROUND_TABLE, "FR", 1999),
                            b->revision, {})
                   .ok());
  EXPECT_FALSE(store
                   ->Create(make("a", v1::EVENT_KIND_ROUND_TABLE, "FR", 1999),
                            "", "", {})
                   .ok());
  ASSERT_TRUE(store->Delete("e", 0, {}).ok());
  live.erase("events/e");
  // Enough writes that the deltas are folded at least once on the way
  // (common/sql/stored_counts.h, kFoldEvery changes a process).
  for (int i = 0; i < kFoldEvery / 2; ++i) {
    v1::Event e = make(absl::StrCat("many-", i), v1::EVENT_KIND_TRAINING,
                       i % 2 ? "AT" : "", 2000 + i % 3);
    ASSERT_TRUE(store->Create(e, "", "", {}).ok());
    live[e.name()] = e;
  }

  std::map<std::pair<std::string, std::string>, int64_t> want;
  for (const auto& [name, e] : live) {
    ++want[{"year", absl::StrFormat("%04d", e.start_date().year())}];
    ++want[{"kind", absl::StrCat(static_cast<int>(e.kind()))}];
    if (!e.venue().country_code().empty()) {
      ++want[{"country", e.venue().country_code()}];
    }
  }
  auto counts = store->Counts();
  ASSERT_TRUE(counts.ok()) << counts.status();
  std::map<std::pair<std::string, std::string>, int64_t> got;
  for (const auto& c : *counts) got[{c.dimension, c.key}] = c.n;
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace outreach::events::testing
