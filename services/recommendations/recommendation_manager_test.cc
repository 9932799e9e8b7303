#include "services/recommendations/recommendation_manager.h"

#include <cstdlib>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "common/cache/in_memory_cache.h"
#include "common/status/status_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/recommendations/sql_recommendation_store.h"
#include "tests/testing/temp_dir.h"

#ifdef OUTREACH_TEST_POSTGRES
#include "tests/testing/postgres_test_database.h"
#endif

namespace outreach::recommendations {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class FakeEvents : public EventChecker {
 public:
  absl::Status CheckExists(const CallScope&, const std::string& name) override {
    if (down) return absl::UnavailableError("events down");
    return known.contains(name)
               ? absl::OkStatus()
               : absl::FailedPreconditionError(name + " missing");
  }
  absl::flat_hash_set<std::string> known = {"events/kiev-2013",
                                            "events/tirana-2014"};
  bool down = false;
};

class FakeEntities : public EntityChecker {
 public:
  absl::Status CheckAll(const CallScope&,
                        const std::vector<std::string>& names) override {
    ++calls;
    if (down) return absl::UnavailableError("participants down");
    for (const auto& n : names) {
      if (!known.contains(n))
        return absl::NotFoundError("no such entities: " + n);
    }
    return absl::OkStatus();
  }
  absl::flat_hash_set<std::string> known = {"entities/al", "entities/md",
                                            "entities/osce", "entities/ua"};
  bool down = false;
  int calls = 0;
};

outreach::type::v1::Date D(int y, int m, int d) {
  outreach::type::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

class RecommendationManagerTest : public ::testing::Test {
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
    // The same tests on PostgreSQL (recommendations_postgres_test).
    auto db = outreach::testing::OpenTestDatabase(
        dir_, "recommendations", SqlRecommendationStore::Migrations().postgres);
    ASSERT_NE(db, nullptr);
    auto store = SqlRecommendationStore::Open(std::unique_ptr<SqlDb>(std::move(db)));
#else
    SqliteOptions options;
    options.path = dir_ + "/recommendations.db";
    auto store = SqlRecommendationStore::Open(options);
#endif
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    CacheAsideOptions cache_options;
    cache_options.epoch = 1;
    aside_ = std::make_unique<CacheAside>(&cache_, cache_options);
    manager_ = std::make_unique<RecommendationManager>(
        store_.get(), aside_.get(), &events_, &entities_, &clock_, &readers_);
  }
  // A call from an authenticated caller with `role`.
  static CallScope As(const std::string& role) {
    CallScope scope;
    scope.caller_identity = role;
    scope.caller_role = role;
    return scope;
  }
  absl::StatusOr<v1::Recommendation> Create(
      v1::RecommendationKind kind, const std::string& text,
      std::vector<std::string> addressees,
      std::vector<std::string> areas = {}) {
    v1::CreateRecommendationRequest req;
    auto* r = req.mutable_recommendation();
    r->set_kind(kind);
    r->set_event("events/kiev-2013");
    r->set_text(text);
    for (auto& a : addressees) r->add_addressees(a);
    for (auto& a : areas) r->add_areas(a);
    req.set_actor("1540 expert");
    return manager_->Create({}, req);
  }
  absl::StatusOr<v1::Recommendation> Move(const v1::Recommendation& r,
                                          v1::RecommendationStatus to,
                                          const std::string& note = "") {
    v1::TransitionRecommendationRequest req;
    req.set_name(r.name());
    req.set_status(to);
    req.set_actor("1540 expert");
    req.set_note(note);
    return manager_->Transition({}, req);
  }

  outreach::testing::TempDir temp_;
  std::string dir_;
  ConfidentialReaders readers_{{"admin", "confidential-reader"}};
  FakeClock clock_;
  FakeEvents events_;
  FakeEntities entities_;
  InMemoryCache cache_;
  std::unique_ptr<CacheAside> aside_;
  std::unique_ptr<SqlRecommendationStore> store_;
  std::unique_ptr<RecommendationManager> manager_;
};

TEST_F(RecommendationManagerTest, LifecycleAppendsHistoryInOrder) {
  auto need = Create(v1::RECOMMENDATION_KIND_ASSISTANCE_NEED,
                     "Training of personnel", {"entities/md"}, {"Training"});
  ASSERT_TRUE(need.ok()) << need.status();
  EXPECT_EQ(need->status(), v1::RECOMMENDATION_STATUS_IDENTIFIED);
  EXPECT_THAT(need->areas(), ElementsAre("training"));
  v1::Recommendation r = *need;
  for (auto to : {v1::RECOMMENDATION_STATUS_REQUESTED,
                  v1::RECOMMENDATION_STATUS_ACKNOWLEDGED,
                  v1::RECOMMENDATION_STATUS_MATCHED,
                  v1::RECOMMENDATION_STATUS_DELIVERED}) {
    clock_.Advance(absl::Hours(24));
    auto moved = Move(r, to, "step");
    ASSERT_TRUE(moved.ok()) << moved.status();
    r = *moved;
  }
  ASSERT_EQ(r.history_size(), 5);
  for (int i = 1; i < r.history_size(); ++i) {
    EXPECT_GT(r.history(i).time().seconds(), r.history(i - 1).time().seconds());
  }
  EXPECT_EQ(r.history(0).status(), v1::RECOMMENDATION_STATUS_IDENTIFIED);
  EXPECT_EQ(r.history(4).status(), v1::RECOMMENDATION_STATUS_DELIVERED);
  EXPECT_EQ(r.history(4).actor(), "1540 expert");
}

TEST_F(RecommendationManagerTest, RefusedTransitionChangesNothing) {
  auto follow_up =
      Create(v1::RECOMMENDATION_KIND_FOLLOW_UP,
             "Bilateral consultations with Albania", {"entities/al"});
  ASSERT_TRUE(follow_up.ok());
  auto refused = Move(*follow_up, v1::RECOMMENDATION_STATUS_DONE);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("SCHEDULED"));
  refused = Move(*follow_up, v1::RECOMMENDATION_STATUS_MATCHED);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  v1::GetRecommendationRequest get;
  get.set_name(follow_up->name());
  auto now = manager_->Get({}, get);
  EXPECT_EQ(now->status(), v1::RECOMMENDATION_STATUS_PROPOSED);
  EXPECT_EQ(now->history_size(), 1);
  EXPECT_EQ(now->etag(), follow_up->etag());
}

TEST_F(RecommendationManagerTest, FollowUpFulfilledByALaterEvent) {
  auto f = Create(v1::RECOMMENDATION_KIND_FOLLOW_UP,
                  "Possible country visit to Albania", {"entities/al"});
  ASSERT_TRUE(Move(*f, v1::RECOMMENDATION_STATUS_SCHEDULED).ok());
  v1::TransitionRecommendationRequest done;
  done.set_name(f->name());
  done.set_status(v1::RECOMMENDATION_STATUS_DONE);
  done.set_actor("1540 expert");
  done.set_fulfilled_by_event("events/nowhere");
  EXPECT_EQ(manager_->Transition({}, done).status().code(),
            absl::StatusCode::kFailedPrecondition);
  done.set_fulfilled_by_event("events/tirana-2014");
  auto finished = manager_->Transition({}, done);
  ASSERT_TRUE(finished.ok()) << finished.status();
  EXPECT_EQ(finished->fulfilled_by_event(), "events/tirana-2014");
}

TEST_F(RecommendationManagerTest, OverdueQueries) {
  auto a = Create(v1::RECOMMENDATION_KIND_FOLLOW_UP, "Visit Albania",
                  {"entities/al"});
  auto b = Create(v1::RECOMMENDATION_KIND_FOLLOW_UP, "Visit Moldova",
                  {"entities/md"});
  for (auto* r : {&*a, &*b}) {
    v1::UpdateRecommendationRequest u;
    u.mutable_recommendation()->set_name(r->name());
    *u.mutable_recommendation()->mutable_due_date() = D(2013, 12, 31);
    u.mutable_update_mask()->add_paths("due_date");
    ASSERT_TRUE(manager_->Update({}, u).ok());
  }
  ASSERT_TRUE(Move(*a, v1::RECOMMENDATION_STATUS_DROPPED).ok());
  v1::ListRecommendationsRequest list;
  list.set_filter("overdue = \"2014-01-15\"");
  auto overdue = manager_->List({}, list);
  ASSERT_TRUE(overdue.ok()) << overdue.status();
  ASSERT_EQ(overdue->recommendations_size(), 1);
  EXPECT_EQ(overdue->recommendations(0).text(), "Visit Moldova");
  list.set_filter("overdue = \"2013-12-31\"");
  EXPECT_EQ(manager_->List({}, list)->recommendations_size(), 0);
  list.set_filter("addressee = \"entities/md\" AND kind = FOLLOW_UP");
  EXPECT_EQ(manager_->List({}, list)->recommendations_size(), 1);
}

TEST_F(RecommendationManagerTest, PagesAndFilters) {
  for (int i = 0; i < 7; ++i) {
    clock_.Advance(absl::Seconds(1));
    ASSERT_TRUE(Create(v1::RECOMMENDATION_KIND_RECOMMENDATION,
                       absl::StrCat("Recommendation ", i), {"entities/osce"},
                       {i % 2 ? "export control" : "legislation"})
                    .ok());
  }
  v1::ListRecommendationsRequest list;
  list.set_page_size(3);
  list.set_filter("area = \"Export Control\"");
  std::vector<std::string> texts;
  do {
    auto page = manager_->List({}, list);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& r : page->recommendations()) texts.push_back(r.text());
    list.set_page_token(page->next_page_token());
  } while (!list.page_token().empty());
  EXPECT_THAT(texts, ElementsAre("Recommendation 1", "Recommendation 3",
                                 "Recommendation 5"));
}

TEST_F(RecommendationManagerTest, ValidationErrorsCarryFields) {
  v1::CreateRecommendationRequest req;
  auto* r = req.mutable_recommendation();
  r->set_event("kiev");
  r->add_addressees("Moldova");
  r->set_consent_to_publish(true);
  r->set_kind(v1::RECOMMENDATION_KIND_FOLLOW_UP);
  *r->mutable_due_date() = D(2013, 2, 30);
  req.set_request_id("nope");
  auto s = manager_->Create({}, req).status();
  std::vector<std::string> fields;
  for (const auto& v : GetFieldViolations(s)) fields.push_back(v.field);
  for (const char* f :
       {"recommendation.event", "recommendation.text",
        "recommendation.addressees[0]", "recommendation.consent_to_publish",
        "recommendation.due_date", "request_id"}) {
    EXPECT_THAT(fields, Contains(f));
  }
  // An addressee the participants service does not know.
  auto unknown = Create(v1::RECOMMENDATION_KIND_RECOMMENDATION, "x",
                        {"entities/atlantis"});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetFieldViolations(unknown.status())[0].field,
            "recommendation.addressees");
  v1::TransitionRecommendationRequest t;
  t.set_name("recommendations/x");
  s = manager_->Transition({}, t).status();
  fields.clear();
  for (const auto& v : GetFieldViolations(s)) fields.push_back(v.field);
  EXPECT_THAT(fields, Contains("status"));
  EXPECT_THAT(fields, Contains("actor"));
}

TEST_F(RecommendationManagerTest, DependenciesDown) {
  events_.down = true;
  EXPECT_EQ(
      Create(v1::RECOMMENDATION_KIND_RECOMMENDATION, "x", {}).status().code(),
      absl::StatusCode::kUnavailable);
  events_.down = false;
  entities_.down = true;
  EXPECT_EQ(Create(v1::RECOMMENDATION_KIND_RECOMMENDATION, "x", {"entities/al"})
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
  entities_.down = false;
  // The cache being down costs nothing but the cache.
  cache_.set_available(false);
  auto r = Create(v1::RECOMMENDATION_KIND_RECOMMENDATION, "y", {"entities/al"});
  ASSERT_TRUE(r.ok());
  v1::GetRecommendationRequest get;
  get.set_name(r->name());
  EXPECT_TRUE(manager_->Get({}, get).ok());
  v1::ListRecommendationsRequest list;
  EXPECT_EQ(manager_->List({}, list)->recommendations_size(), 1);
}

TEST_F(RecommendationManagerTest, SurvivesARestartAndRetriesAreIdempotent) {
  v1::CreateRecommendationRequest req;
  req.mutable_recommendation()->set_kind(
      v1::RECOMMENDATION_KIND_RECOMMENDATION);
  req.mutable_recommendation()->set_event("events/kiev-2013");
  req.mutable_recommendation()->set_text("Strengthen export controls");
  req.set_request_id("5f0e1c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b");
  auto first = manager_->Create({}, req);
  auto retry = manager_->Create({}, req);
  ASSERT_TRUE(first.ok() && retry.ok());
  EXPECT_EQ(first->name(), retry->name());
  ASSERT_TRUE(Move(*first, v1::RECOMMENDATION_STATUS_ADOPTED).ok());
  Open();
  v1::GetRecommendationRequest get;
  get.set_name(first->name());
  auto after = manager_->Get({}, get);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status(), v1::RECOMMENDATION_STATUS_ADOPTED);
  EXPECT_EQ(after->history_size(), 2);
  v1::ListRecommendationsRequest list;
  EXPECT_EQ(manager_->List({}, list)->recommendations_size(), 1);
}

}  // namespace
}  // namespace outreach::recommendations

namespace outreach::recommendations {
namespace {

// A state change with a request id can be retried after a lost reply: the
// retry gets the change's result, and the history has one entry for it.
TEST_F(RecommendationManagerTest, TransitionsWithARequestIdAreIdempotent) {
  auto r = Create(v1::RECOMMENDATION_KIND_RECOMMENDATION, "Adopt a plan", {});
  ASSERT_TRUE(r.ok()) << r.status();
  v1::TransitionRecommendationRequest adopt;
  adopt.set_name(r->name());
  adopt.set_status(v1::RECOMMENDATION_STATUS_ADOPTED);
  adopt.set_actor("1540 expert");
  adopt.set_request_id("0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a");
  auto first = manager_->Transition({}, adopt);
  ASSERT_TRUE(first.ok()) << first.status();
  auto retry = manager_->Transition({}, adopt);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->etag(), first->etag());
  EXPECT_EQ(retry->history_size(), 2);
  // Without the id, the same move is refused: it was made already.
  adopt.clear_request_id();
  EXPECT_EQ(manager_->Transition({}, adopt).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // The same id for another change is a caller's mistake.
  adopt.set_request_id("0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a");
  adopt.set_status(v1::RECOMMENDATION_STATUS_DROPPED);
  EXPECT_EQ(manager_->Transition({}, adopt).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// A retried create whose outcome was deleted since is not answered with
// the deleted outcome.
TEST_F(RecommendationManagerTest, AReplayDoesNotResurrectADeletedOutcome) {
  v1::CreateRecommendationRequest req;
  req.mutable_recommendation()->set_kind(
      v1::RECOMMENDATION_KIND_RECOMMENDATION);
  req.mutable_recommendation()->set_event("events/kiev-2013");
  req.mutable_recommendation()->set_text("Strengthen export controls");
  req.set_recommendation_id("kiev-o1");
  req.set_request_id("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d");
  ASSERT_TRUE(manager_->Create({}, req).ok());
  v1::DeleteRecommendationRequest del;
  del.set_name("recommendations/kiev-o1");
  ASSERT_TRUE(manager_->Delete({}, del).ok());
  auto retry = manager_->Create({}, req);
  ASSERT_TRUE(retry.ok()) << retry.status();
  v1::GetRecommendationRequest get;
  get.set_name("recommendations/kiev-o1");
  EXPECT_TRUE(manager_->Get({}, get).ok()) << "created anew, not replayed";
}

}  // namespace
}  // namespace outreach::recommendations

namespace outreach::recommendations {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Texts(const v1::ListRecommendationsResponse& page) {
  std::vector<std::string> out;
  for (const auto& r : page.recommendations()) out.push_back(r.text());
  return out;
}

TEST_F(RecommendationManagerTest, ConfidentialNeedsAreHiddenAsIfAbsent) {
  ASSERT_TRUE(Create(v1::RECOMMENDATION_KIND_RECOMMENDATION, "Adopt a law",
                     {"entities/md"})
                  .ok());
  auto secret = Create(v1::RECOMMENDATION_KIND_ASSISTANCE_NEED,
                       "Secret need", {"entities/md"});
  ASSERT_TRUE(secret.ok()) << secret.status();
  v1::CreateRecommendationRequest published;
  published.mutable_recommendation()->set_kind(
      v1::RECOMMENDATION_KIND_ASSISTANCE_NEED);
  published.mutable_recommendation()->set_event("events/kiev-2013");
  published.mutable_recommendation()->set_text("Published need");
  published.mutable_recommendation()->add_addressees("entities/md");
  published.mutable_recommendation()->set_consent_to_publish(true);
  published.set_actor("1540 expert");
  ASSERT_TRUE(manager_->Create({}, published).ok());

  v1::ListRecommendationsRequest list;
  list.set_filter("event = \"events/kiev-2013\"");
  EXPECT_THAT(Texts(*manager_->List(As("viewer"), list)),
              ::testing::UnorderedElementsAre("Adopt a law", "Published need"));
  EXPECT_THAT(Texts(*manager_->List(As("confidential-reader"), list)),
              ::testing::UnorderedElementsAre("Adopt a law", "Secret need",
                                            "Published need"));
  EXPECT_THAT(Texts(*manager_->List(As("admin"), list)), ::testing::SizeIs(3));

  // One record a page: the viewer's pages skip the secret in SQL, so none
  // comes back short.
  list.set_page_size(1);
  std::vector<std::string> seen;
  do {
    auto page = manager_->List(As("viewer"), list);
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->recommendations_size(), 1);
    seen.push_back(page->recommendations(0).text());
    list.set_page_token(page->next_page_token());
  } while (!list.page_token().empty());
  EXPECT_THAT(seen,
              ::testing::UnorderedElementsAre("Adopt a law", "Published need"));

  // Every other way in says NOT_FOUND, worded as for a missing record.
  v1::GetRecommendationRequest get;
  get.set_name(secret->name());
  auto hidden = manager_->Get(As("viewer"), get);
  EXPECT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  v1::GetRecommendationRequest missing;
  missing.set_name("recommendations/no-such-one");
  EXPECT_EQ(hidden.status().message(),
            absl::StrCat(secret->name(), " not found"));
  EXPECT_EQ(manager_->Get(As("editor"), missing).status().message(),
            "recommendations/no-such-one not found");
  EXPECT_TRUE(manager_->Get(As("confidential-reader"), get).ok());
  // Cached now; still hidden.
  EXPECT_EQ(manager_->Get(As("viewer"), get).status().code(),
            absl::StatusCode::kNotFound);

  v1::TransitionRecommendationRequest move;
  move.set_name(secret->name());
  move.set_status(v1::RECOMMENDATION_STATUS_REQUESTED);
  move.set_actor("someone");
  EXPECT_EQ(manager_->Transition(As("editor"), move).status().code(),
            absl::StatusCode::kNotFound);
  v1::UpdateRecommendationRequest update;
  update.mutable_recommendation()->set_name(secret->name());
  update.mutable_recommendation()->set_text("Changed");
  update.mutable_update_mask()->add_paths("text");
  EXPECT_EQ(manager_->Update(As("editor"), update).status().code(),
            absl::StatusCode::kNotFound);
  v1::DeleteRecommendationRequest del;
  del.set_name(secret->name());
  EXPECT_EQ(manager_->Delete(As("editor"), del).code(),
            absl::StatusCode::kNotFound);
  auto still = manager_->Get(As("admin"), get);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->text(), "Secret need");
  EXPECT_EQ(still->status(), v1::RECOMMENDATION_STATUS_IDENTIFIED);
}

TEST_F(RecommendationManagerTest, HistoryNamesTheAuthenticatedCaller) {
  CallScope editor = As("editor");
  editor.caller_via = "gateway";
  v1::CreateRecommendationRequest create;
  create.mutable_recommendation()->set_kind(
      v1::RECOMMENDATION_KIND_RECOMMENDATION);
  create.mutable_recommendation()->set_event("events/kiev-2013");
  create.mutable_recommendation()->set_text("Adopt a law");
  create.set_actor("the Secretary-General");  // typed, so not believed
  auto made = manager_->Create(editor, create);
  ASSERT_TRUE(made.ok()) << made.status();
  v1::TransitionRecommendationRequest move;
  move.set_name(made->name());
  move.set_status(v1::RECOMMENDATION_STATUS_ADOPTED);  // no actor: fine
  auto moved = manager_->Transition(As("jwt:alice"), move);
  ASSERT_TRUE(moved.ok()) << moved.status();
  ASSERT_EQ(moved->history_size(), 2);
  EXPECT_EQ(moved->history(0).actor(), "editor via gateway");
  EXPECT_EQ(moved->history(1).actor(), "jwt:alice");
  // Where nobody is authenticated, the typed actor is all there is, and
  // it is required.
  move.set_status(v1::RECOMMENDATION_STATUS_IN_PROGRESS);
  EXPECT_EQ(manager_->Transition({}, move).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RecommendationManagerTest, ADeletesTombstoneCarriesTheRevisionItTook) {
  auto made = Create(v1::RECOMMENDATION_KIND_RECOMMENDATION, "Adopt a law",
                     {"entities/md"});
  ASSERT_TRUE(made.ok());
  // Other writes move the store's revisions on past this record's.
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Create(v1::RECOMMENDATION_KIND_FOLLOW_UP, absl::StrCat("F", i),
                       {"entities/md"})
                    .ok());
  }
  v1::DeleteRecommendationRequest del;
  del.set_name(made->name());
  ASSERT_TRUE(manager_->Delete({}, del).ok());
  auto latest = store_->LatestRevision();
  ASSERT_TRUE(latest.ok());
  auto entry = cache_.Lookup(absl::StrCat(
      "1:recommendation/", made->name().substr(strlen("recommendations/"))));
  ASSERT_TRUE(entry.ok());
  ASSERT_TRUE(entry->has_value());
  EXPECT_TRUE((*entry)->tombstone);
  EXPECT_EQ((*entry)->version, *latest);
}

TEST_F(RecommendationManagerTest, RowsFromBeforeTheConfidentialColumnAreBackfilled) {
#ifdef OUTREACH_TEST_POSTGRES
  GTEST_SKIP() << "SQLite's migration history: PostgreSQL began with the "
                  "column";
#endif
  ASSERT_TRUE(Create(v1::RECOMMENDATION_KIND_ASSISTANCE_NEED, "Secret need",
                     {"entities/md"})
                  .ok());
  manager_.reset();
  store_.reset();
  // As a database migrated to version 3 looks before its first open: the
  // column not yet set, and no kept counts (version 5 fills them, counting
  // such rows as not confidential until the backfill moves them).
  ASSERT_EQ(std::system(("sqlite3 " + dir_ +
                         "/recommendations.db 'UPDATE recommendations SET "
                         "confidential = NULL; DROP TABLE counts; DROP TABLE "
                         "count_deltas; DELETE FROM schema_migrations WHERE "
                         "version = 5'")
                            .c_str()),
            0);
  Open();
  v1::ListRecommendationsRequest list;
  EXPECT_EQ(manager_->List(As("viewer"), list)->recommendations_size(), 0);
  EXPECT_EQ(manager_->List(As("admin"), list)->recommendations_size(), 1);
  // The kept counts move with the backfill: the need is confidential.
  EXPECT_EQ(manager_->Summarize(As("viewer"), {})->recommendation_count(), 0);
  EXPECT_EQ(manager_->Summarize(As("admin"), {})->recommendation_count(), 1);
}

// The summary's counts are kept by the store as outcomes are written; each
// caller is told only of what List would show it.
TEST_F(RecommendationManagerTest, SummaryFollowsWritesAndHidesConfidential) {
  auto law = Create(v1::RECOMMENDATION_KIND_RECOMMENDATION, "Adopt a law",
                    {"entities/md"}, {"training", "legislation"});
  ASSERT_TRUE(law.ok()) << law.status();
  ASSERT_TRUE(Create(v1::RECOMMENDATION_KIND_ASSISTANCE_NEED, "Secret need",
                     {"entities/md"})
                  .ok());
  auto follow = Create(v1::RECOMMENDATION_KIND_FOLLOW_UP, "Report back",
                       {"entities/md"}, {"training"});
  ASSERT_TRUE(follow.ok());
  // A status move, an area dropped, a delete; and a refused move.
  auto adopted = Move(*law, v1::RECOMMENDATION_STATUS_ADOPTED);
  ASSERT_TRUE(adopted.ok()) << adopted.status();
  EXPECT_FALSE(Move(*adopted, v1::RECOMMENDATION_STATUS_IDENTIFIED).ok());
  v1::UpdateRecommendationRequest update;
  update.mutable_recommendation()->set_name(law->name());
  update.mutable_recommendation()->add_areas("training");
  update.mutable_update_mask()->add_paths("areas");
  ASSERT_TRUE(manager_->Update({}, update).ok());
  v1::DeleteRecommendationRequest del;
  del.set_name(follow->name());
  ASSERT_TRUE(manager_->Delete({}, del).ok());

  using S = std::tuple<std::string, std::string, int64_t>;
  auto summary = [&](const std::string& who) {
    std::vector<S> out;
    auto got = manager_->Summarize(As(who), {});
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok()) return out;
    out.emplace_back("total", "", got->recommendation_count());
    for (const auto& c : got->by_status()) {
      out.emplace_back("status", v1::RecommendationStatus_Name(c.status()),
                       c.count());
    }
    for (const auto& c : got->by_area_and_status()) {
      out.emplace_back(absl::StrCat("area ", c.area()),
                       v1::RecommendationStatus_Name(c.status()), c.count());
    }
    return out;
  };
  EXPECT_THAT(
      summary("viewer"),
      ::testing::ElementsAre(
          S{"total", "", 1}, S{"status", "RECOMMENDATION_STATUS_ADOPTED", 1},
          S{"area training", "RECOMMENDATION_STATUS_ADOPTED", 1}));
  EXPECT_THAT(
      summary("confidential-reader"),
      ::testing::UnorderedElementsAre(
          S{"total", "", 2}, S{"status", "RECOMMENDATION_STATUS_ADOPTED", 1},
          S{"status", "RECOMMENDATION_STATUS_IDENTIFIED", 1},
          S{"area training", "RECOMMENDATION_STATUS_ADOPTED", 1},
          S{"area ", "RECOMMENDATION_STATUS_IDENTIFIED", 1}));
}

// A store written before the counts existed gets them filled from its rows
// by the migration that adds them.
TEST_F(RecommendationManagerTest, TheMigrationFillsTheCountsFromEarlierRows) {
#ifdef OUTREACH_TEST_POSTGRES
  GTEST_SKIP() << "SQLite's migration history: PostgreSQL's counts came with "
                  "its second migration, on an empty store";
#endif
  ASSERT_TRUE(Create(v1::RECOMMENDATION_KIND_RECOMMENDATION, "Adopt a law",
                     {"entities/md"}, {"training", "legislation"})
                  .ok());
  ASSERT_TRUE(Create(v1::RECOMMENDATION_KIND_ASSISTANCE_NEED, "Secret need",
                     {"entities/md"})
                  .ok());
  ASSERT_TRUE(
      Create(v1::RECOMMENDATION_KIND_RECOMMENDATION, "Train", {"entities/md"})
          .ok());
  manager_.reset();
  store_.reset();
  // As a database at version 4 looks: no counts table.
  ASSERT_EQ(std::system(("sqlite3 " + dir_ +
                         "/recommendations.db 'DROP TABLE counts; DROP TABLE "
                         "count_deltas; DELETE FROM schema_migrations WHERE "
                         "version = 5'")
                            .c_str()),
            0);
  Open();
  auto viewer = manager_->Summarize(As("viewer"), {});
  ASSERT_TRUE(viewer.ok()) << viewer.status();
  EXPECT_EQ(viewer->recommendation_count(), 2);
  int64_t areas = 0, none = 0;
  for (const auto& c : viewer->by_area_and_status()) {
    (c.area().empty() ? none : areas) += c.count();
  }
  EXPECT_EQ(areas, 2);  // training and legislation
  EXPECT_EQ(none, 1);
  EXPECT_EQ(manager_->Summarize(As("admin"), {})->recommendation_count(), 3);
}

}  // namespace
}  // namespace outreach::recommendations
