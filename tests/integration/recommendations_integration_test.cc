// The recommendations service in the whole suite: real events and
// participants services, a real redis-server, SQLite files, loopback. It
// records the seed note's outcomes through the API and walks them through
// their lifecycles, then takes each dependency away.

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "outreach/events/v1/events.grpc.pb.h"
#include "outreach/recommendations/v1/recommendations.grpc.pb.h"
#include "tests/testing/redis_server.h"
#include "tests/testing/service_process.h"

namespace outreach::testing {
namespace {

using ::testing::Contains;
namespace ev = outreach::events::v1;
namespace rv = outreach::recommendations::v1;

class RecommendationsIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_ = std::make_unique<RedisServer>(dir_.path());
    ASSERT_TRUE(redis_->Start());
    events_ = std::make_unique<ServiceProcess>(
        OUTREACH_EVENTS_SERVER,
        std::vector<std::string>{"--db_path=" + dir_.path() + "/events.db",
                                 "--redis_address=" + redis_->address(),
                                 "--redis_timeout=50ms",
                                 "--participants_address=",
                                 "--recommendations_address="},
        dir_.path() + "/events.log");
    ASSERT_TRUE(events_->Start()) << events_->log();
    participants_ = std::make_unique<ServiceProcess>(
        OUTREACH_PARTICIPANTS_SERVER,
        std::vector<std::string>{
            "--db_path=" + dir_.path() + "/participants.db",
            "--redis_address=" + redis_->address(), "--redis_timeout=50ms",
            "--events_address=" + events_->address()},
        dir_.path() + "/participants.log");
    ASSERT_TRUE(participants_->Start()) << participants_->log();
    StartRecommendations();
    events_stub_ = ev::EventsService::NewStub(events_->NewChannel());
    kiev_ = CreateEvent("kiev-2013", 2013);
  }

  void StartRecommendations() {
    recommendations_ = std::make_unique<ServiceProcess>(
        OUTREACH_RECOMMENDATIONS_SERVER,
        std::vector<std::string>{
            "--db_path=" + dir_.path() + "/recommendations.db",
            "--redis_address=" + redis_->address(), "--redis_timeout=50ms",
            "--events_address=" + events_->address(),
            "--participants_address=" + participants_->address(),
            "--dependency_timeout=1s", "--reference_cache_ttl=1ms"},
        dir_.path() + "/recommendations.log");
    ASSERT_TRUE(recommendations_->Start()) << recommendations_->log();
    stub_ = rv::RecommendationsService::NewStub(recommendations_->NewChannel());
  }

  static void Deadline(grpc::ClientContext& ctx,
                       absl::Duration d = absl::Seconds(5)) {
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + d));
  }

  std::string CreateEvent(const std::string& id, int year) {
    grpc::ClientContext ctx;
    Deadline(ctx);
    ev::CreateEventRequest req;
    req.set_event_id(id);
    req.mutable_event()->set_title("Workshop");
    req.mutable_event()->mutable_start_date()->set_year(year);
    req.mutable_event()->mutable_start_date()->set_month(11);
    req.mutable_event()->mutable_start_date()->set_day(5);
    ev::Event out;
    EXPECT_TRUE(events_stub_->CreateEvent(&ctx, req, &out).ok());
    return out.name();
  }

  grpc::Status Record(rv::RecommendationKind kind, const std::string& text,
                      std::vector<std::string> addressees,
                      std::vector<std::string> areas, rv::Recommendation* out,
                      bool official_source = true) {
    grpc::ClientContext ctx;
    Deadline(ctx, absl::Seconds(3));
    rv::CreateRecommendationRequest req;
    auto* r = req.mutable_recommendation();
    r->set_kind(kind);
    r->set_event(kiev_);
    r->set_text(text);
    for (auto& a : addressees) r->add_addressees(a);
    for (auto& a : areas) r->add_areas(a);
    if (!official_source) {
      r->mutable_source()->set_document("Chair's summary");
      r->mutable_source()->set_attachment(1);
      r->mutable_source()->set_official(false);
    }
    req.set_actor("1540 Committee expert");
    return stub_->CreateRecommendation(&ctx, req, out);
  }

  grpc::Status Move(const rv::Recommendation& r, rv::RecommendationStatus to,
                    rv::Recommendation* out,
                    const std::string& fulfilled = "") {
    grpc::ClientContext ctx;
    Deadline(ctx);
    rv::TransitionRecommendationRequest req;
    req.set_name(r.name());
    req.set_status(to);
    req.set_actor("1540 Committee expert");
    req.set_note(absl::StrCat("to ", rv::RecommendationStatus_Name(to)));
    req.set_fulfilled_by_event(fulfilled);
    return stub_->TransitionRecommendation(&ctx, req, out);
  }

  TempDir dir_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServiceProcess> events_;
  std::unique_ptr<ServiceProcess> participants_;
  std::unique_ptr<ServiceProcess> recommendations_;
  std::unique_ptr<ev::EventsService::Stub> events_stub_;
  std::unique_ptr<rv::RecommendationsService::Stub> stub_;
  std::string kiev_;
};

// The seed note's outcomes, recorded by hand and moved through their
// lifecycles; everything survives a restart.
TEST_F(RecommendationsIntegrationTest, SeedOutcomesThroughTheirLifecycles) {
  rv::Recommendation chair, training, equipment, albania, moldova;
  ASSERT_TRUE(Record(rv::RECOMMENDATION_KIND_RECOMMENDATION,
                     "Unofficial recommendations for the implementation of "
                     "resolution 1540 (2004) by the OSCE and its participating "
                     "States",
                     {"entities/osce"}, {"regional cooperation"}, &chair,
                     /*official_source=*/false)
                  .ok());
  EXPECT_FALSE(chair.source().official());
  EXPECT_EQ(chair.source().attachment(), 1);
  ASSERT_TRUE(Record(rv::RECOMMENDATION_KIND_ASSISTANCE_NEED,
                     "Training of personnel", {}, {"training"}, &training)
                  .ok());
  ASSERT_TRUE(Record(rv::RECOMMENDATION_KIND_ASSISTANCE_NEED,
                     "Equipment at border check points", {},
                     {"equipment", "border security"}, &equipment)
                  .ok());
  ASSERT_TRUE(
      Record(rv::RECOMMENDATION_KIND_FOLLOW_UP,
             "Bilateral consultations with Albania regarding a possible "
             "country visit",
             {"entities/al"}, {}, &albania)
          .ok());
  ASSERT_TRUE(
      Record(rv::RECOMMENDATION_KIND_FOLLOW_UP,
             "Bilateral consultations with Moldova regarding a possible "
             "country visit",
             {"entities/md"}, {}, &moldova)
          .ok());

  rv::Recommendation r;
  ASSERT_TRUE(Move(chair, rv::RECOMMENDATION_STATUS_ADOPTED, &r).ok());
  ASSERT_TRUE(Move(r, rv::RECOMMENDATION_STATUS_IN_PROGRESS, &r).ok());
  ASSERT_TRUE(Move(training, rv::RECOMMENDATION_STATUS_REQUESTED, &r).ok());
  ASSERT_TRUE(Move(r, rv::RECOMMENDATION_STATUS_ACKNOWLEDGED, &r).ok());
  ASSERT_TRUE(Move(equipment, rv::RECOMMENDATION_STATUS_CLOSED, &r).ok());
  ASSERT_TRUE(Move(albania, rv::RECOMMENDATION_STATUS_SCHEDULED, &r).ok());
  const std::string tirana = CreateEvent("tirana-country-visit-2014", 2014);
  ASSERT_TRUE(Move(r, rv::RECOMMENDATION_STATUS_DONE, &r, tirana).ok());
  EXPECT_EQ(r.fulfilled_by_event(), tirana);
  ASSERT_EQ(r.history_size(), 3);
  EXPECT_EQ(r.history(2).status(), rv::RECOMMENDATION_STATUS_DONE);
  grpc::Status refused = Move(moldova, rv::RECOMMENDATION_STATUS_DONE, &r);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Move(moldova, rv::RECOMMENDATION_STATUS_DROPPED, &r).ok());

  ASSERT_EQ(recommendations_->Stop(), 0);
  StartRecommendations();
  rv::ListRecommendationsRequest list;
  list.set_filter(absl::StrCat("event = \"", kiev_, "\""));
  rv::ListRecommendationsResponse resp;
  grpc::ClientContext ctx;
  Deadline(ctx);
  ASSERT_TRUE(stub_->ListRecommendations(&ctx, list, &resp).ok());
  ASSERT_EQ(resp.recommendations_size(), 5);
  std::vector<rv::RecommendationStatus> statuses;
  for (const auto& x : resp.recommendations()) statuses.push_back(x.status());
  EXPECT_THAT(statuses,
              ::testing::ElementsAre(rv::RECOMMENDATION_STATUS_IN_PROGRESS,
                                     rv::RECOMMENDATION_STATUS_ACKNOWLEDGED,
                                     rv::RECOMMENDATION_STATUS_CLOSED,
                                     rv::RECOMMENDATION_STATUS_DONE,
                                     rv::RECOMMENDATION_STATUS_DROPPED));
}

TEST_F(RecommendationsIntegrationTest, ValidationErrorsCarryFields) {
  rv::Recommendation out;
  grpc::Status s =
      Record(rv::RECOMMENDATION_KIND_UNSPECIFIED, "", {"Moldova"}, {}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(s), Contains("recommendation.kind"));
  EXPECT_THAT(ViolatedFields(s), Contains("recommendation.text"));
  EXPECT_THAT(ViolatedFields(s), Contains("recommendation.addressees[0]"));
  s = Record(rv::RECOMMENDATION_KIND_RECOMMENDATION, "x", {"entities/atlantis"},
             {}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(s), Contains("recommendation.addressees"));
}

TEST_F(RecommendationsIntegrationTest, EventsServiceDown) {
  ASSERT_EQ(events_->Stop(), 0);
  rv::Recommendation out;
  const absl::Time start = absl::Now();
  grpc::Status s = Record(rv::RECOMMENDATION_KIND_RECOMMENDATION, "x",
                          {"entities/al"}, {}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
}

TEST_F(RecommendationsIntegrationTest, ParticipantsServiceDown) {
  ASSERT_EQ(participants_->Stop(), 0);
  rv::Recommendation out;
  const absl::Time start = absl::Now();
  grpc::Status s = Record(rv::RECOMMENDATION_KIND_RECOMMENDATION, "x",
                          {"entities/al"}, {}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  // Without addressees the participants service is not needed.
  EXPECT_TRUE(
      Record(rv::RECOMMENDATION_KIND_RECOMMENDATION, "y", {}, {}, &out).ok());
}

TEST_F(RecommendationsIntegrationTest, RedisDown) {
  redis_->Stop();
  rv::Recommendation out, moved;
  ASSERT_TRUE(
      Record(rv::RECOMMENDATION_KIND_FOLLOW_UP, "z", {"entities/md"}, {}, &out)
          .ok());
  ASSERT_TRUE(Move(out, rv::RECOMMENDATION_STATUS_SCHEDULED, &moved).ok());
  grpc::ClientContext ctx;
  Deadline(ctx);
  rv::GetRecommendationRequest get;
  get.set_name(out.name());
  rv::Recommendation got;
  ASSERT_TRUE(stub_->GetRecommendation(&ctx, get, &got).ok());
  EXPECT_EQ(got.status(), rv::RECOMMENDATION_STATUS_SCHEDULED);
}

}  // namespace
}  // namespace outreach::testing
