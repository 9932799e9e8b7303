// The events service as users run it: the real binary on a loopback port,
// a real redis-server, a real SQLite file, driven through generated stubs.

#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/cache/write_generation.h"
#include "common/server/call_log_interceptor.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "outreach/events/v1/events.grpc.pb.h"
#include "tests/testing/http_get.h"
#include "tests/testing/redis_server.h"
#include "tests/testing/service_process.h"

namespace outreach::testing {
namespace {

using outreach::events::v1::CreateEventRequest;
using outreach::events::v1::DeleteEventRequest;
using outreach::events::v1::Event;
using outreach::events::v1::EventsService;
using outreach::events::v1::GetEventRequest;
using outreach::events::v1::ListEventsRequest;
using outreach::events::v1::ListEventsResponse;
using outreach::events::v1::UpdateEventRequest;
using ::testing::Contains;
using ::testing::HasSubstr;

Event Workshop(const std::string& title, int year, int month, int day,
               const std::string& country) {
  Event e;
  e.set_title(title);
  e.set_kind(outreach::events::v1::EVENT_KIND_REGIONAL_WORKSHOP);
  e.set_status(outreach::events::v1::EVENT_STATUS_HELD);
  e.mutable_start_date()->set_year(year);
  e.mutable_start_date()->set_month(month);
  e.mutable_start_date()->set_day(day);
  e.mutable_venue()->set_country_code(country);
  e.mutable_venue()->set_city("City");
  e.set_contact_email("1540experts@un.org");
  return e;
}

class EventsIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_ = std::make_unique<RedisServer>(dir_.path());
    ASSERT_TRUE(redis_->Start()) << ReadFile(dir_.path() + "/redis.log");
    StartEvents();
  }

  void StartEvents(const std::vector<std::string>& extra_flags = {}) {
    std::vector<std::string> flags{
        "--db_path=" + db_path(), "--redis_address=" + redis_->address(),
        "--redis_timeout=50ms", "--shutdown_grace=10s", "--db_busy_timeout=10s",
        // Alone: no other service to ask on delete.
        "--participants_address=", "--recommendations_address="};
    flags.insert(flags.end(), extra_flags.begin(), extra_flags.end());
    events_ = std::make_unique<ServiceProcess>(OUTREACH_EVENTS_SERVER, flags,
                                               dir_.path() + "/events.log");
    ASSERT_TRUE(events_->Start()) << events_->log();
    channel_ = events_->NewChannel();
    stub_ = EventsService::NewStub(channel_);
  }

  std::string db_path() const { return dir_.path() + "/events.db"; }

  static void Deadline(grpc::ClientContext& ctx,
                       absl::Duration d = absl::Seconds(5)) {
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + d));
  }

  grpc::Status Create(const Event& e, Event* out,
                      const std::string& request_id = "",
                      const std::string& id = "") {
    grpc::ClientContext ctx;
    Deadline(ctx);
    CreateEventRequest req;
    *req.mutable_event() = e;
    req.set_request_id(request_id);
    req.set_event_id(id);
    return stub_->CreateEvent(&ctx, req, out);
  }

  grpc::Status Get(const std::string& name, Event* out,
                   absl::Duration deadline = absl::Seconds(5)) {
    grpc::ClientContext ctx;
    Deadline(ctx, deadline);
    GetEventRequest req;
    req.set_name(name);
    return stub_->GetEvent(&ctx, req, out);
  }

  grpc::Status SetTitle(const std::string& name, const std::string& title,
                        Event* out, const std::string& etag = "") {
    grpc::ClientContext ctx;
    Deadline(ctx);
    UpdateEventRequest req;
    req.mutable_event()->set_name(name);
    req.mutable_event()->set_title(title);
    req.mutable_event()->set_etag(etag);
    req.mutable_update_mask()->add_paths("title");
    return stub_->UpdateEvent(&ctx, req, out);
  }

  TempDir dir_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServiceProcess> events_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<EventsService::Stub> stub_;
};

TEST_F(EventsIntegrationTest, HealthAndReflection) {
  EXPECT_EQ(HealthStatus(channel_, ""), "SERVING");
  EXPECT_EQ(HealthStatus(channel_, "outreach.events.v1.EventsService"),
            "SERVING");
  EXPECT_THAT(ReflectedServices(channel_),
              Contains("outreach.events.v1.EventsService"));
}

TEST_F(EventsIntegrationTest, CreateGetUpdateDelete) {
  Event created;
  ASSERT_TRUE(
      Create(Workshop("Kiev Workshop", 2013, 11, 5, "UA"), &created).ok());
  EXPECT_EQ(created.name(), "events/kiev-workshop-2013");
  Event got;
  ASSERT_TRUE(Get(created.name(), &got).ok());
  EXPECT_EQ(got.title(), "Kiev Workshop");
  EXPECT_EQ(got.etag(), created.etag());

  Event updated;
  ASSERT_TRUE(
      SetTitle(created.name(), "Kyiv Workshop", &updated, created.etag()).ok());
  EXPECT_EQ(updated.title(), "Kyiv Workshop");

  grpc::ClientContext ctx;
  Deadline(ctx);
  DeleteEventRequest del;
  del.set_name(created.name());
  del.set_etag(updated.etag());
  google::protobuf::Empty empty;
  ASSERT_TRUE(stub_->DeleteEvent(&ctx, del, &empty).ok());
  EXPECT_EQ(Get(created.name(), &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(EventsIntegrationTest, ListsAcrossPagesWithFilters) {
  for (int i = 0; i < 23; ++i) {
    Event e;
    ASSERT_TRUE(Create(Workshop(absl::StrCat("Workshop ", i), 2010 + i % 4,
                                1 + i % 12, 1 + i, i % 2 ? "UA" : "KZ"),
                       &e)
                    .ok());
  }
  std::set<std::string> seen;
  ListEventsRequest req;
  req.set_page_size(5);
  req.set_filter("country = UA AND start_date >= \"2011-01-01\"");
  req.set_order_by("title");
  int pages = 0;
  std::string last_title;
  do {
    grpc::ClientContext ctx;
    Deadline(ctx);
    ListEventsResponse resp;
    grpc::Status s = stub_->ListEvents(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ++pages;
    for (const auto& e : resp.events()) {
      EXPECT_EQ(e.venue().country_code(), "UA");
      EXPECT_GE(e.start_date().year(), 2011);
      EXPECT_GT(e.title(), last_title);
      last_title = e.title();
      EXPECT_TRUE(seen.insert(e.name()).second);
    }
    req.set_page_token(resp.next_page_token());
  } while (!req.page_token().empty());
  // Odd i with 2010 + i % 4 >= 2011: every odd i.
  EXPECT_EQ(seen.size(), 11u);
  EXPECT_EQ(pages, 3);

  // A token replayed with another filter is refused with a field.
  ListEventsRequest first;
  first.set_page_size(2);
  ListEventsResponse resp;
  {
    grpc::ClientContext ctx;
    Deadline(ctx);
    ASSERT_TRUE(stub_->ListEvents(&ctx, first, &resp).ok());
  }
  first.set_page_token(resp.next_page_token());
  first.set_filter("kind = TRAINING");
  grpc::ClientContext ctx;
  Deadline(ctx);
  grpc::Status s = stub_->ListEvents(&ctx, first, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(s), Contains("page_token"));
}

TEST_F(EventsIntegrationTest, ValidationErrorsCarryFieldDetails) {
  Event bad = Workshop("", 2013, 2, 30, "XX");
  bad.set_contact_email("nobody");
  Event out;
  grpc::Status s = Create(bad, &out, "not-a-uuid");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto fields = ViolatedFields(s);
  for (const char* f :
       {"event.title", "event.start_date", "event.venue.country_code",
        "event.contact_email", "request_id"}) {
    EXPECT_THAT(fields, Contains(f));
  }
  EXPECT_EQ(Get("events/Not Valid", &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Get("events/missing", &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  ListEventsRequest list;
  list.set_filter("colour = red");
  ListEventsResponse resp;
  grpc::ClientContext ctx;
  Deadline(ctx);
  s = stub_->ListEvents(&ctx, list, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(s), Contains("filter"));
}

// Invalid UTF-8 in a string field, nested or not, is bad input naming the
// field, not INTERNAL; the server stays up and serves the next call.
TEST_F(EventsIntegrationTest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  Event bad = Workshop("Kyiv \xc3\x28 workshop", 2013, 2, 3, "UA");
  Event out;
  grpc::Status s = Create(bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << s.error_message();
  EXPECT_THAT(ViolatedFields(s), Contains("event.title"));
  bad = Workshop("Fine", 2013, 2, 3, "UA");
  bad.mutable_venue()->set_city(std::string(1000, '\xff'));
  s = Create(bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(s), Contains("event.venue.city"));
  ListEventsRequest list;
  list.set_filter("text : \"\x80\"");
  ListEventsResponse resp;
  grpc::ClientContext ctx;
  Deadline(ctx);
  s = stub_->ListEvents(&ctx, list, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(s), Contains("filter"));
  ASSERT_TRUE(Create(Workshop("After", 2013, 2, 3, "UA"), &out).ok());
}

// Bytes that do not parse as the request message (binary, truncated) are
// bad input, INVALID_ARGUMENT naming the message, not INTERNAL; the server
// stays up and serves the next call.
TEST_F(EventsIntegrationTest, UnparsableRequestIsInvalidArgument) {
  grpc::GenericStub generic(channel_);
  for (const std::string& bytes :
       {std::string("\xff\xff\xff", 3), std::string(64 << 10, '\x80')}) {
    grpc::ClientContext ctx;
    Deadline(ctx);
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1), response;
    absl::Notification done;
    grpc::Status s;
    generic.UnaryCall(&ctx, "/outreach.events.v1.EventsService/GetEvent",
                      grpc::StubOptions(), &request, &response,
                      [&](grpc::Status status) {
                        s = std::move(status);
                        done.Notify();
                      });
    done.WaitForNotification();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << s.error_message();
    EXPECT_THAT(s.error_message(),
                ::testing::HasSubstr("outreach.events.v1.GetEventRequest"));
  }
  Event out;
  ASSERT_TRUE(Create(Workshop("After", 2013, 2, 3, "UA"), &out).ok());
}

TEST_F(EventsIntegrationTest, OversizedRequestIsRefusedNotCrashed) {
  Event huge = Workshop("Huge", 2013, 1, 1, "UA");
  huge.add_highlights(std::string(5 << 20, 'x'));
  Event out;
  EXPECT_EQ(Create(huge, &out).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(HealthStatus(channel_, ""), "SERVING");
}

TEST_F(EventsIntegrationTest, StaleEtagIsAborted) {
  Event created, first;
  ASSERT_TRUE(Create(Workshop("Etag", 2013, 1, 1, "UA"), &created).ok());
  ASSERT_TRUE(SetTitle(created.name(), "One", &first, created.etag()).ok());
  Event second;
  grpc::Status s = SetTitle(created.name(), "Two", &second, created.etag());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
  Event got;
  ASSERT_TRUE(Get(created.name(), &got).ok());
  EXPECT_EQ(got.title(), "One");
}

TEST_F(EventsIntegrationTest, RetriedCreateIsIdempotent) {
  const std::string request_id = "0b6f8a5e-3c2d-4e1f-9a8b-7c6d5e4f3a2b";
  Event a, b;
  ASSERT_TRUE(Create(Workshop("Once", 2013, 1, 1, "UA"), &a, request_id).ok());
  ASSERT_TRUE(Create(Workshop("Once", 2013, 1, 1, "UA"), &b, request_id).ok());
  EXPECT_EQ(a.name(), b.name());
  ListEventsRequest req;
  ListEventsResponse resp;
  grpc::ClientContext ctx;
  Deadline(ctx);
  ASSERT_TRUE(stub_->ListEvents(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.events_size(), 1);
}

// A validate_only create writes nothing, so it leaves the suite's write
// generation (and with it every cached composite) as it was; a real
// create moves it on, and the marking trailer never reaches the client.
TEST_F(EventsIntegrationTest, ValidateOnlyLeavesTheWriteGenerationAlone) {
  const std::string key = std::string("GET ") + kWriteGenerationKey;
  const std::string before = redis_->Command(key);
  ASSERT_FALSE(before.empty());
  grpc::ClientContext ctx;
  Deadline(ctx);
  CreateEventRequest req;
  *req.mutable_event() = Workshop("Checked", 2013, 1, 1, "UA");
  req.set_validate_only(true);
  Event checked;
  ASSERT_TRUE(stub_->CreateEvent(&ctx, req, &checked).ok());
  EXPECT_EQ(ctx.GetServerTrailingMetadata().count(kWroteNothingTrailer), 0u);
  EXPECT_EQ(redis_->Command(key), before);
  Event created;
  ASSERT_TRUE(Create(Workshop("Written", 2013, 1, 1, "UA"), &created).ok());
  EXPECT_NE(redis_->Command(key), before);
}

TEST_F(EventsIntegrationTest, DuplicateIdIsAlreadyExists) {
  Event out;
  ASSERT_TRUE(Create(Workshop("A", 2013, 1, 1, "UA"), &out, "", "kiev").ok());
  EXPECT_EQ(
      Create(Workshop("B", 2013, 1, 1, "UA"), &out, "", "kiev").error_code(),
      grpc::StatusCode::ALREADY_EXISTS);
}

// With the near cache (the default on SQLite) and then without it (Redis
// alone): every read after an acknowledged write sees that write.
TEST_F(EventsIntegrationTest, ReadAfterWriteThroughTheCache) {
  Event created, got;
  ASSERT_TRUE(Create(Workshop("Cached", 2013, 1, 1, "UA"), &created).ok());
  for (bool near : {true, false}) {
    SCOPED_TRACE(near ? "near cache on" : "Redis alone");
    if (!near) {
      events_->Stop();
      StartEvents({"--near_cache_bytes=0"});
    }
    ASSERT_TRUE(Get(created.name(), &got).ok());  // fills
    const long hits_before = redis_->KeyspaceHits();
    ASSERT_TRUE(Get(created.name(), &got).ok());
    if (near) {
      EXPECT_EQ(redis_->KeyspaceHits(), hits_before) << "served in-process";
    } else {
      EXPECT_GT(redis_->KeyspaceHits(), hits_before) << "served by Redis";
    }
    for (int i = 0; i < 20; ++i) {
      Event updated;
      const std::string title = absl::StrCat("Title ", near, " ", i);
      ASSERT_TRUE(SetTitle(created.name(), title, &updated).ok());
      ASSERT_TRUE(Get(created.name(), &got).ok());
      ASSERT_EQ(got.title(), title) << "stale read after acknowledged write";
      ASSERT_TRUE(Get(created.name(), &got).ok());
      ASSERT_EQ(got.title(), title) << "stale read after acknowledged write";
    }
  }
}

// A SQLite store has one owning process: a second events service on the
// same file is refused at start, and says why.
TEST_F(EventsIntegrationTest, ASecondProcessOnTheSameStoreIsRefused) {
  ServiceProcess second(OUTREACH_EVENTS_SERVER,
                        {"--db_path=" + db_path(), "--participants_address=",
                         "--recommendations_address="},
                        dir_.path() + "/second.log");
  EXPECT_FALSE(second.Start(absl::Seconds(10)));
  EXPECT_THAT(second.log(), HasSubstr("in use by another process"));
}

TEST_F(EventsIntegrationTest, RedisStoppedThenRestarted) {
  Event created, got;
  ASSERT_TRUE(Create(Workshop("Outage", 2013, 1, 1, "UA"), &created).ok());
  ASSERT_TRUE(Get(created.name(), &got).ok());
  redis_->Stop();
  const absl::Time start = absl::Now();
  for (int i = 0; i < 20; ++i) {
    Event updated;
    const std::string title = absl::StrCat("Down ", i);
    ASSERT_TRUE(SetTitle(created.name(), title, &updated).ok());
    ASSERT_TRUE(Get(created.name(), &got, absl::Seconds(2)).ok());
    EXPECT_EQ(got.title(), title);
  }
  Event another;
  ASSERT_TRUE(
      Create(Workshop("Made while down", 2013, 1, 1, "UA"), &another).ok());
  // 41 calls; the breaker keeps a dead Redis from costing a timeout each.
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));

  ASSERT_TRUE(redis_->Start());
  // The breaker retries after its backoff (at most 10s); then the cache is
  // used again: a second read is a Redis hit.
  bool cached = false;
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (!cached && absl::Now() < deadline) {
    ASSERT_TRUE(Get(created.name(), &got).ok());
    EXPECT_EQ(got.title(), "Down 19");
    cached = redis_->KeyspaceHits() > 0;
    if (!cached) absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_TRUE(cached) << "the cache was not used again after Redis came back";
}

TEST_F(EventsIntegrationTest, HungRedisNeitherBlocksNorServesStale) {
  Event created, got;
  ASSERT_TRUE(Create(Workshop("Frozen", 2013, 1, 1, "UA"), &created).ok());
  ASSERT_TRUE(Get(created.name(), &got).ok());  // the old title is cached
  redis_->Freeze();  // keeps its data, answers nothing
  Event updated;
  const absl::Time start = absl::Now();
  ASSERT_TRUE(SetTitle(created.name(), "Changed while frozen", &updated).ok());
  ASSERT_TRUE(Get(created.name(), &got, absl::Seconds(2)).ok());
  EXPECT_EQ(got.title(), "Changed while frozen");
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  redis_->Thaw();  // back, with the stale entry still in it
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(Get(created.name(), &got).ok());
    EXPECT_EQ(got.title(), "Changed while frozen") << "read " << i;
    absl::SleepFor(absl::Milliseconds(300));
  }
}

// The server, not the client, ends a write stuck behind a locked database
// at the call's deadline, and never commits it afterwards. The server's
// own busy timeout is 5s, so a server that ignored the deadline would keep
// the call for 5s and commit it once the lock goes.
TEST_F(EventsIntegrationTest, LockedDatabaseAnswersWithinTheDeadline) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr),
            SQLITE_OK);
  Event out;
  grpc::ClientContext ctx;
  Deadline(ctx, absl::Milliseconds(500));
  CreateEventRequest req;
  *req.mutable_event() = Workshop("Blocked", 2013, 1, 1, "UA");
  grpc::Status s = stub_->CreateEvent(&ctx, req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // The server let go of the call by itself, with the lock still held.
  auto in_flight = WaitForSeries(
      events_->metrics_port(), "outreach_server_in_flight",
      [](double v) { return v == 0; }, absl::Seconds(1));
  EXPECT_TRUE(in_flight.ok()) << in_flight.status();
  auto text = HttpGet(events_->metrics_port(), "/metrics");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(SeriesValue(*text,
                        "outreach_server_requests_total{code="
                        "\"DEADLINE_EXCEEDED\",method=\"/outreach."
                        "events.v1.EventsService/CreateEvent\"}"),
            1);
  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  // Nothing was written for the caller that gave up.
  ListEventsRequest list;
  list.set_filter("text : \"blocked\"");
  ListEventsResponse resp;
  grpc::ClientContext list_ctx;
  Deadline(list_ctx);
  ASSERT_TRUE(stub_->ListEvents(&list_ctx, list, &resp).ok());
  EXPECT_EQ(resp.events_size(), 0);
  // Liveness never depended on the store.
  EXPECT_EQ(HealthStatus(channel_, "outreach.liveness"), "SERVING");
  EXPECT_EQ(HealthStatus(channel_, ""), "SERVING");
}

// A write that gives up on a locked database is a store fault: the caller
// gets UNAVAILABLE and outreach_store_errors_total counts it, where an
// operator can alert on it.
// DeleteEvent must know that nothing refers to the event; when the
// services that could say are unreachable it refuses in time, and the event
// stays.
TEST_F(EventsIntegrationTest, DeleteWithDependentsUnreachableIsUnavailable) {
  events_->Stop();
  events_ = std::make_unique<ServiceProcess>(
      OUTREACH_EVENTS_SERVER,
      std::vector<std::string>{"--db_path=" + db_path(),
                               "--redis_address=" + redis_->address(),
                               "--participants_address=127.0.0.1:1",
                               "--recommendations_address=127.0.0.1:1"},
      dir_.path() + "/events-deps.log");
  ASSERT_TRUE(events_->Start()) << events_->log();
  stub_ = EventsService::NewStub(events_->NewChannel());
  Event created;
  ASSERT_TRUE(
      Create(Workshop("Kiev Workshop", 2013, 11, 5, "UA"), &created).ok());
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  DeleteEventRequest del;
  del.set_name(created.name());
  google::protobuf::Empty empty;
  const absl::Time start = absl::Now();
  grpc::Status s = stub_->DeleteEvent(&ctx, del, &empty);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  Event still;
  EXPECT_TRUE(Get(created.name(), &still).ok());
}

TEST_F(EventsIntegrationTest, StoreFaultsAreCountedInMetrics) {
  events_->Stop();
  events_ = std::make_unique<ServiceProcess>(
      OUTREACH_EVENTS_SERVER,
      std::vector<std::string>{"--db_path=" + db_path(),
                               "--redis_address=" + redis_->address(),
                               "--db_busy_timeout=100ms"},
      dir_.path() + "/events2.log");
  ASSERT_TRUE(events_->Start()) << events_->log();
  stub_ = EventsService::NewStub(events_->NewChannel());

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr),
            SQLITE_OK);
  Event out;
  grpc::Status s = Create(Workshop("Blocked", 2013, 1, 1, "UA"), &out);
  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();

  auto text = HttpGet(events_->metrics_port(), "/metrics");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(SeriesValue(*text,
                        "outreach_store_errors_total{code="
                        "\"UNAVAILABLE\",operation=\"write\"}"),
            1);
  EXPECT_EQ(SeriesValue(*text,
                        "outreach_server_requests_total{code="
                        "\"UNAVAILABLE\",method=\"/outreach.events."
                        "v1.EventsService/CreateEvent\"}"),
            1);
  // The next write, with the lock gone, succeeds and counts no fault.
  ASSERT_TRUE(Create(Workshop("Unblocked", 2013, 1, 2, "UA"), &out).ok());
  text = HttpGet(events_->metrics_port(), "/metrics");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(SeriesValue(*text,
                        "outreach_store_errors_total{code="
                        "\"UNAVAILABLE\",operation=\"write\"}"),
            1);
}

// A Redis that requires a password (as managed ones do): with the right
// one the cache serves reads; with a wrong one every call still succeeds
// from the store, and the failures show as cache errors.
TEST_F(EventsIntegrationTest, RedisWithAPassword) {
  RedisServer secured(dir_.path(), "correct-horse");
  ASSERT_TRUE(secured.Start());
  for (const std::string password : {"correct-horse", "wrong"}) {
    SCOPED_TRACE(password);
    events_->Stop();
    events_ = std::make_unique<ServiceProcess>(
        OUTREACH_EVENTS_SERVER,
        std::vector<std::string>{"--db_path=" + db_path(),
                                 "--redis_address=" + secured.address(),
                                 "--redis_password=" + password},
        dir_.path() + "/events-" + password + ".log");
    ASSERT_TRUE(events_->Start()) << events_->log();
    stub_ = EventsService::NewStub(events_->NewChannel());
    Event created, got;
    ASSERT_TRUE(
        Create(Workshop("Secured " + password, 2014, 2, 3, "UA"), &created)
            .ok());
    const long hits_before = secured.KeyspaceHits();
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(Get(created.name(), &got).ok());
      EXPECT_EQ(got.title(), "Secured " + password);
    }
    auto text = HttpGet(events_->metrics_port(), "/metrics");
    ASSERT_TRUE(text.ok());
    if (password == "correct-horse") {
      EXPECT_GT(secured.KeyspaceHits(), hits_before);
      EXPECT_THAT(*text, Not(HasSubstr("result=\"error\"")));
    } else {
      EXPECT_EQ(secured.KeyspaceHits(), hits_before);
      EXPECT_THAT(*text, HasSubstr("result=\"error\""));
    }
  }
}

// A full disk: readiness says so before writes fail; a write that finds the
// disk full gets RESOURCE_EXHAUSTED saying so, and nothing half-written;
// once space is freed the service is ready and writes again. On a 4 MiB
// tmpfs, which needs root to mount: skipped (and said so) elsewhere.
TEST_F(EventsIntegrationTest, AFullDiskIsReportedByReadinessAndWrites) {
  const std::string small = dir_.path() + "/small";
  ASSERT_EQ(mkdir(small.c_str(), 0755), 0);
  if (std::system(
          ("mount -t tmpfs -o size=4m tmpfs '" + small + "' 2>/dev/null")
              .c_str()) != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (the test needs root)";
  }
  struct Unmount {
    std::string path;
    ~Unmount() {
      [[maybe_unused]] int rc =
          std::system(("umount -l '" + path + "'").c_str());
    }
  } unmount{small};
  ServiceProcess events(
      OUTREACH_EVENTS_SERVER,
      {"--db_path=" + small + "/events.db", "--participants_address=",
       "--recommendations_address=", "--db_min_free_bytes=1048576"},
      dir_.path() + "/small-events.log");
  ASSERT_TRUE(events.Start()) << events.log();
  auto channel = events.NewChannel();
  auto stub = EventsService::NewStub(channel);
  auto create = [&stub](int i, Event* out) {
    Event e = Workshop(absl::StrCat("Disk ", i), 2013, 1, 1, "UA");
    for (int p = 0; p < 8; ++p) e.add_background(std::string(3000, 'x'));
    CreateEventRequest req;
    *req.mutable_event() = e;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(5));
    return stub->CreateEvent(&ctx, req, out);
  };
  Event out;
  ASSERT_TRUE(create(0, &out).ok());

  // Fill the disk but for 256 KiB.
  struct statvfs fs {};
  ASSERT_EQ(statvfs(small.c_str(), &fs), 0);
  const int64_t free_bytes =
      static_cast<int64_t>(fs.f_bavail) * static_cast<int64_t>(fs.f_frsize);
  {
    std::ofstream filler(small + "/filler", std::ios::binary);
    filler << std::string(static_cast<size_t>(free_bytes - (256 << 10)), 'f');
  }
  auto status_is = [&channel](const std::string& want) {
    const absl::Time deadline = absl::Now() + absl::Seconds(12);
    while (HealthStatus(channel, "") != want) {
      if (absl::Now() > deadline) return false;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return true;
  };
  // Readiness tells Kubernetes; liveness does not restart the pod for it.
  EXPECT_TRUE(status_is("NOT_SERVING"));
  EXPECT_EQ(HealthStatus(channel, "outreach.liveness"), "SERVING");

  // Writes until the disk is really full.
  int written = 1;
  grpc::Status failed;
  for (int i = 1; i < 200; ++i) {
    grpc::Status s = create(i, &out);
    if (!s.ok()) {
      failed = s;
      break;
    }
    ++written;
  }
  EXPECT_EQ(failed.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << failed.error_message();
  EXPECT_THAT(failed.error_message(), HasSubstr("disk is full"));

  // Free the space: ready again, and what was acknowledged is all there.
  ASSERT_EQ(unlink((small + "/filler").c_str()), 0);
  EXPECT_TRUE(status_is("SERVING"));
  ASSERT_TRUE(create(1000, &out).ok());
  ListEventsRequest list;
  list.set_filter("text : \"disk\"");
  list.set_page_size(1000);
  ListEventsResponse resp;
  grpc::ClientContext ctx;
  Deadline(ctx);
  ASSERT_TRUE(stub->ListEvents(&ctx, list, &resp).ok());
  EXPECT_EQ(resp.events_size(), written + 1);
  EXPECT_EQ(events.Stop(), 0);
}

TEST_F(EventsIntegrationTest, SigtermDrainsInFlightCallsAndExitsZero) {
  // Hold the write lock so that creates are in flight, waiting on it.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr),
            SQLITE_OK);

  // Watch health from before the signal.
  auto health = grpc::health::v1::Health::NewStub(events_->NewChannel());
  grpc::ClientContext watch_ctx;
  grpc::health::v1::HealthCheckRequest watch_req;
  auto watch = health->Watch(&watch_ctx, watch_req);
  grpc::health::v1::HealthCheckResponse status;
  ASSERT_TRUE(watch->Read(&status));
  EXPECT_EQ(status.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  // Eight writes waiting on the lock, under --db_max_queued_writes.
  constexpr int kInFlight = 8;
  std::atomic<int> ok{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < kInFlight; ++i) {
    callers.emplace_back([this, i, &ok] {
      Event out;
      if (Create(Workshop(absl::StrCat("In flight ", i), 2013, 1, 1, "UA"),
                 &out)
              .ok()) {
        ++ok;
      }
    });
  }
  // Once every call is in the server (waiting on the lock), not after a
  // guess at how long that takes.
  auto reached =
      WaitForSeries(events_->metrics_port(), "outreach_server_in_flight",
                    [](double v) { return v >= kInFlight; });
  ASSERT_TRUE(reached.ok()) << reached.status();
  events_->process().Signal(SIGTERM);
  ASSERT_TRUE(watch->Read(&status));
  EXPECT_EQ(status.status(),
            grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  watch_ctx.TryCancel();

  // New calls are refused while the old ones drain (they wait on the lock
  // this test holds until below): at the connection (UNAVAILABLE), or, for
  // a call gRPC had read but not yet handed to a thread when shutdown
  // began, cancelled by gRPC's shutdown (CANCELLED); such a call never
  // runs (it would be NOT_FOUND). Health turns NOT_SERVING a moment before
  // the server stops taking calls, so on a loaded machine the first fresh
  // call may still be served: asked again until refused, for at most 2 s.
  auto fresh = EventsService::NewStub(events_->NewChannel());
  GetEventRequest get;
  get.set_name("events/none");
  grpc::StatusCode code = grpc::StatusCode::OK;
  for (const absl::Time until = absl::Now() + absl::Seconds(2);
       absl::Now() < until;) {
    Event refused;
    grpc::ClientContext ctx;
    Deadline(ctx, absl::Seconds(2));
    code = fresh->GetEvent(&ctx, get, &refused).error_code();
    if (code != grpc::StatusCode::NOT_FOUND) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_THAT(code, ::testing::AnyOf(grpc::StatusCode::UNAVAILABLE,
                                     grpc::StatusCode::CANCELLED));

  ASSERT_EQ(sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  for (auto& t : callers) t.join();
  EXPECT_EQ(ok.load(), kInFlight);
  EXPECT_EQ(events_->process().Wait(absl::Seconds(10)), 0);

  // What they wrote was kept.
  StartEvents();
  ListEventsRequest list;
  list.set_filter("text : \"in flight\"");
  ListEventsResponse resp;
  grpc::ClientContext list_ctx;
  Deadline(list_ctx);
  ASSERT_TRUE(stub_->ListEvents(&list_ctx, list, &resp).ok());
  EXPECT_EQ(resp.events_size(), kInFlight);
}

TEST_F(EventsIntegrationTest, RestartKeepsAllData) {
  std::vector<Event> created(5);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Create(Workshop(absl::StrCat("Kept ", i), 2013, 1, 1 + i, "UA"),
                       &created[i])
                    .ok());
  }
  Event updated;
  ASSERT_TRUE(SetTitle(created[0].name(), "Kept, renamed", &updated).ok());
  // The test's channel stays connected: an idle client must not hold the
  // drain open once nothing is in flight.
  const absl::Time stop_start = absl::Now();
  EXPECT_EQ(events_->Stop(), 0);
  EXPECT_LT(absl::Now() - stop_start, absl::Seconds(2));
  StartEvents();
  for (int i = 0; i < 5; ++i) {
    Event got;
    ASSERT_TRUE(Get(created[i].name(), &got).ok());
    EXPECT_EQ(got.title(), i == 0 ? "Kept, renamed" : created[i].title());
  }
  EXPECT_THAT(events_->log(), HasSubstr("\"method\":\"/outreach.events.v1."
                                        "EventsService/GetEvent\""));
}

}  // namespace
}  // namespace outreach::testing
