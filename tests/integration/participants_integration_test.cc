// The participants service as users run it, beside a real events service
// and redis-server, on loopback, through generated stubs.

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "outreach/events/v1/events.grpc.pb.h"
#include "outreach/participants/v1/participants.grpc.pb.h"
#include "tests/testing/redis_server.h"
#include "tests/testing/service_process.h"

namespace outreach::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
namespace ev = outreach::events::v1;
namespace pv = outreach::participants::v1;

// Every State listed in the seed note, with its ISO 3166-1 alpha-2 code.
const std::vector<std::pair<std::string, std::string>>& SeedStates() {
  static const auto* const kStates = new std::vector<
      std::pair<std::string, std::string>>{
      {"Albania", "AL"},    {"Algeria", "DZ"},
      {"Armenia", "AM"},    {"Azerbaijan", "AZ"},
      {"Belarus", "BY"},    {"Canada", "CA"},
      {"Denmark", "DK"},    {"Egypt", "EG"},
      {"Finland", "FI"},    {"Georgia", "GE"},
      {"Germany", "DE"},    {"Holy See", "VA"},
      {"Hungary", "HU"},    {"Italy", "IT"},
      {"Kazakhstan", "KZ"}, {"Kyrgyzstan", "KG"},
      {"Lithuania", "LT"},  {"Malta", "MT"},
      {"Moldova", "MD"},    {"Morocco", "MA"},
      {"Montenegro", "ME"}, {"Japan", "JP"},
      {"Poland", "PL"},     {"Romania", "RO"},
      {"Russia", "RU"},     {"Serbia", "RS"},
      {"Slovenia", "SI"},   {"Switzerland", "CH"},
      {"Tajikistan", "TJ"}, {"The former Yugoslav Republic of Macedonia", "MK"},
      {"Ukraine", "UA"},    {"United States", "US"}};
  return *kStates;
}

class ParticipantsIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_ = std::make_unique<RedisServer>(dir_.path());
    ASSERT_TRUE(redis_->Start());
    events_ = std::make_unique<ServiceProcess>(
        OUTREACH_EVENTS_SERVER,
        std::vector<std::string>{
            "--db_path=" + dir_.path() + "/events.db",
            "--redis_address=" + redis_->address(),
            "--participants_address=", "--recommendations_address=",
            // Tests below count its access lines.
            "--access_log_every=1"},
        dir_.path() + "/events.log");
    ASSERT_TRUE(events_->Start()) << events_->log();
    participants_ = std::make_unique<ServiceProcess>(
        OUTREACH_PARTICIPANTS_SERVER,
        std::vector<std::string>{
            "--db_path=" + dir_.path() + "/participants.db",
            "--redis_address=" + redis_->address(),
            "--events_address=" + events_->address(),
            "--dependency_timeout=1s"},
        dir_.path() + "/participants.log");
    ASSERT_TRUE(participants_->Start()) << participants_->log();
    events_stub_ = ev::EventsService::NewStub(events_->NewChannel());
    channel_ = participants_->NewChannel();
    stub_ = pv::ParticipantsService::NewStub(channel_);
  }

  static void Deadline(grpc::ClientContext& ctx,
                       absl::Duration d = absl::Seconds(5)) {
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + d));
  }

  std::string CreateEvent(const std::string& id) {
    grpc::ClientContext ctx;
    Deadline(ctx);
    ev::CreateEventRequest req;
    req.set_event_id(id);
    req.mutable_event()->set_title("Regional Workshop");
    req.mutable_event()->mutable_start_date()->set_year(2013);
    req.mutable_event()->mutable_start_date()->set_month(11);
    req.mutable_event()->mutable_start_date()->set_day(5);
    ev::Event out;
    EXPECT_TRUE(events_stub_->CreateEvent(&ctx, req, &out).ok());
    return out.name();
  }

  grpc::Status AddParticipant(const std::string& event,
                              const std::string& printed,
                              const std::string& entity, pv::Participation* out,
                              absl::Duration deadline = absl::Seconds(5),
                              const std::string& request_id = "") {
    grpc::ClientContext ctx;
    Deadline(ctx, deadline);
    if (!request_id.empty()) ctx.AddMetadata("x-request-id", request_id);
    pv::CreateParticipationRequest req;
    req.set_parent(event);
    req.mutable_participation()->set_printed_name(printed);
    req.mutable_participation()->set_entity(entity);
    req.mutable_participation()->set_role(pv::PARTICIPATION_ROLE_PARTICIPANT);
    return stub_->CreateParticipation(&ctx, req, out);
  }

  TempDir dir_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServiceProcess> events_;
  std::unique_ptr<ServiceProcess> participants_;
  std::unique_ptr<ev::EventsService::Stub> events_stub_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pv::ParticipantsService::Stub> stub_;
};

TEST_F(ParticipantsIntegrationTest, HealthAndReflection) {
  EXPECT_EQ(
      HealthStatus(channel_, "outreach.participants.v1.ParticipantsService"),
      "SERVING");
  EXPECT_THAT(ReflectedServices(channel_),
              Contains("outreach.participants.v1.ParticipantsService"));
}

TEST_F(ParticipantsIntegrationTest, ResolvesEveryStateOfTheSeedNote) {
  pv::ResolveEntitiesRequest req;
  req.set_printed_group("States-Members of the OSCE");
  req.mutable_as_of()->set_year(2013);
  req.mutable_as_of()->set_month(11);
  req.mutable_as_of()->set_day(5);
  for (const auto& [name, code] : SeedStates()) {
    req.add_names()->set_printed_name(name);
  }
  pv::ResolveEntitiesResponse resp;
  grpc::ClientContext ctx;
  Deadline(ctx);
  ASSERT_TRUE(stub_->ResolveEntities(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.resolutions_size(), static_cast<int>(SeedStates().size()));
  for (size_t i = 0; i < SeedStates().size(); ++i) {
    const auto& r = resp.resolutions(static_cast<int>(i));
    EXPECT_EQ(r.state(), pv::RESOLUTION_STATE_RESOLVED)
        << SeedStates()[i].first;
    EXPECT_EQ(r.entity().iso_alpha2(), SeedStates()[i].second)
        << SeedStates()[i].first;
  }
}

TEST_F(ParticipantsIntegrationTest, SeedMembershipMismatches) {
  pv::CheckMembershipsRequest req;
  req.set_printed_group("States-Members of the OSCE");
  req.mutable_as_of()->set_year(2013);
  req.mutable_as_of()->set_month(11);
  req.mutable_as_of()->set_day(5);
  for (const auto& [name, code] : SeedStates()) req.add_printed_names(name);
  pv::CheckMembershipsResponse resp;
  grpc::ClientContext ctx;
  Deadline(ctx);
  ASSERT_TRUE(stub_->CheckMemberships(&ctx, req, &resp).ok());
  std::set<std::string> flagged;
  for (const auto& m : resp.mismatches()) flagged.insert(m.printed_name());
  EXPECT_EQ(flagged,
            (std::set<std::string>{"Algeria", "Egypt", "Japan", "Morocco"}));

  // The batch the gateway sends: the same answer for the same group, in
  // the requests' order.
  pv::BatchCheckMembershipsRequest batch;
  auto* other = batch.add_requests();
  *other = req;
  other->set_printed_group("Other");
  *batch.add_requests() = req;
  pv::BatchCheckMembershipsResponse both;
  grpc::ClientContext batch_ctx;
  Deadline(batch_ctx);
  ASSERT_TRUE(stub_->BatchCheckMemberships(&batch_ctx, batch, &both).ok());
  ASSERT_EQ(both.responses_size(), 2);
  EXPECT_EQ(both.responses(0).mismatches_size(), 0);
  EXPECT_EQ(both.responses(1).SerializeAsString(), resp.SerializeAsString());
}

TEST_F(ParticipantsIntegrationTest, ParticipationNeedsAnExistingEvent) {
  pv::Participation out;
  grpc::Status s =
      AddParticipant("events/no-such-event", "Albania", "entities/al", &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  const std::string event = CreateEvent("kiev-2013");
  ASSERT_TRUE(AddParticipant(event, "Albania", "entities/al", &out).ok());
  EXPECT_EQ(out.name(), "events/kiev-2013/participations/albania");
}

TEST_F(ParticipantsIntegrationTest, RequestIdAcrossServicesAndNoStaleEvent) {
  const std::string event = CreateEvent("kiev-2013");
  pv::Participation out;
  ASSERT_TRUE(AddParticipant(event, "Albania", "entities/al", &out,
                             absl::Seconds(5), "trace-me-1540")
                  .ok());
  // The events service logged the check under the caller's request id.
  EXPECT_THAT(events_->log(), HasSubstr("\"request_id\":\"trace-me-1540\""));
  // The next participation of the same event is confirmed again, not from
  // a cache: an event deleted in between must not get children.
  auto count_gets = [this] {
    int n = 0;
    for (absl::string_view line : absl::StrSplit(events_->log(), '\n')) {
      n += line.find("EventsService/GetEvent") != absl::string_view::npos;
    }
    return n;
  };
  const int gets = count_gets();
  ASSERT_TRUE(AddParticipant(event, "Moldova", "entities/md", &out).ok());
  EXPECT_EQ(count_gets(), gets + 1);
}

TEST_F(ParticipantsIntegrationTest, EventsServiceDownIsUnavailableInTime) {
  const std::string event = CreateEvent("kiev-2013");
  ASSERT_EQ(events_->Stop(), 0);
  pv::Participation out;
  const absl::Time start = absl::Now();
  grpc::Status s = AddParticipant("events/other-event", "Albania",
                                  "entities/al", &out, absl::Seconds(3));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  // Resolution needs no other service and still answers.
  pv::ResolveEntitiesRequest req;
  req.add_names()->set_printed_name("Russia");
  pv::ResolveEntitiesResponse resp;
  grpc::ClientContext ctx;
  Deadline(ctx);
  ASSERT_TRUE(stub_->ResolveEntities(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.resolutions(0).entity().iso_alpha2(), "RU");
}

TEST_F(ParticipantsIntegrationTest, ValidationErrorsCarryFields) {
  pv::Participation out;
  grpc::Status s =
      AddParticipant("events/kiev-2013", "", "entities/zz-nope", &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(s), Contains("participation.printed_name"));
  EXPECT_THAT(ViolatedFields(s), Contains("participation.entity"));
}

TEST_F(ParticipantsIntegrationTest, AStatesHistoryAcrossEvents) {
  const std::string kiev = CreateEvent("kiev-2013");
  const std::string minsk = CreateEvent("minsk-2014");
  pv::Participation out;
  ASSERT_TRUE(AddParticipant(kiev, "Russia", "entities/ru", &out).ok());
  ASSERT_TRUE(
      AddParticipant(minsk, "Russian Federation", "entities/ru", &out).ok());
  ASSERT_TRUE(AddParticipant(minsk, "Belarus", "entities/by", &out).ok());
  pv::ListParticipationsRequest req;
  req.set_parent("events/-");
  req.set_filter("entity = \"entities/ru\"");
  req.set_page_size(1);
  std::vector<std::string> printed;
  do {
    pv::ListParticipationsResponse resp;
    grpc::ClientContext ctx;
    Deadline(ctx);
    ASSERT_TRUE(stub_->ListParticipations(&ctx, req, &resp).ok());
    for (const auto& p : resp.participations())
      printed.push_back(p.printed_name());
    req.set_page_token(resp.next_page_token());
  } while (!req.page_token().empty());
  EXPECT_THAT(printed, ::testing::ElementsAre("Russia", "Russian Federation"));
}

}  // namespace
}  // namespace outreach::testing
