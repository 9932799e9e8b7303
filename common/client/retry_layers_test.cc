// Retries happen at one layer, within a budget: the channel's service config
// retries reads, a server marks a failure of its own dependency so that its
// callers do not retry it again, and writes are not retried by the channel.
// A real gRPC server (ServerRunner, with its interceptor) on loopback
// counts the attempts that reach it.

#include <atomic>
#include <memory>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/client/call_policy.h"
#include "common/client/channel.h"
#include "common/server/server_runner.h"
#include "common/status/status_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "google/protobuf/descriptor.h"
#include "outreach/events/v1/events.grpc.pb.h"
#include "tests/testing/status_matchers.h"

namespace outreach {
namespace {

namespace ev = outreach::events::v1;
using ::outreach::testing::StatusIs;

// GetEvent fails as its name says: "events/plain" with a plain UNAVAILABLE,
// "events/dependency" with one marked as a dependency's failure.
class FailingEvents final : public ev::EventsService::Service {
 public:
  grpc::Status GetEvent(grpc::ServerContext*, const ev::GetEventRequest* req,
                        ev::Event*) override {
    ++attempts;
    absl::Status s = absl::UnavailableError("store away");
    if (req->name() == "events/dependency") s = MarkDependencyFailure(s);
    return ToGrpcStatus(s);
  }
  grpc::Status CreateEvent(grpc::ServerContext*, const ev::CreateEventRequest*,
                           ev::Event*) override {
    ++attempts;
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "store away");
  }
  std::atomic<int> attempts{0};
};

class RetryLayersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.shutdown_grace = absl::Milliseconds(100);
    runner_ = std::make_unique<ServerRunner>(
        options,
        std::vector<ServiceRegistration>{
            {&service_, ev::EventsService::service_full_name()}},
        nullptr);
    ASSERT_TRUE(runner_->Start().ok());
    channel_ = MakeServiceChannel(absl::StrCat("127.0.0.1:", runner_->port()),
                                  ev::EventsService::service_full_name(),
                                  nullptr);
    stub_ = ev::EventsService::NewStub(channel_);
  }
  void TearDown() override {
    runner_->Shutdown();
    runner_->Wait();
  }
  grpc::Status Get(const std::string& name) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(5));
    ev::GetEventRequest req;
    req.set_name(name);
    ev::Event event;
    return stub_->GetEvent(&context, req, &event);
  }

  FailingEvents service_;
  std::unique_ptr<ServerRunner> runner_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<ev::EventsService::Stub> stub_;
};

TEST_F(RetryLayersTest, TheChannelRetriesAReadThreeTimesInAll) {
  EXPECT_THAT(Get("events/plain"), StatusIs(grpc::StatusCode::UNAVAILABLE));
  EXPECT_EQ(service_.attempts, 3);
}

TEST_F(RetryLayersTest, AFailureTheServerRetriedAlreadyIsNotRetriedAgain) {
  const grpc::Status s = Get("events/dependency");
  EXPECT_THAT(s, StatusIs(grpc::StatusCode::UNAVAILABLE));
  EXPECT_TRUE(IsDependencyFailure(s));
  EXPECT_EQ(service_.attempts, 1);
}

TEST_F(RetryLayersTest, TheChannelDoesNotRetryWrites) {
  grpc::ClientContext context;
  ev::CreateEventRequest req;
  ev::Event event;
  EXPECT_THAT(stub_->CreateEvent(&context, req, &event),
              StatusIs(grpc::StatusCode::UNAVAILABLE));
  EXPECT_EQ(service_.attempts, 1);
}

TEST_F(RetryLayersTest, RetryThrottlingStopsRetriesWhenMostCallsFail) {
  // 10 tokens, one taken per failed attempt, retries only above 5: after
  // a few failed calls, each call is tried once.
  int before = 0;
  for (int i = 0; i < 10; ++i) {
    before = service_.attempts;
    (void)Get("events/plain");
  }
  EXPECT_EQ(service_.attempts - before, 1);
}

TEST_F(RetryLayersTest, CallPolicyLeavesReadsToTheChannelAndMarksTheFailure) {
  CallPolicy policy;
  CallScope scope;
  const absl::Status s =
      policy.Run(scope, Idempotent::kRead, [&](grpc::ClientContext& c) {
        ev::GetEventRequest req;
        req.set_name("events/plain");
        ev::Event event;
        return FromGrpcStatus(stub_->GetEvent(&c, req, &event));
      });
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable));
  // 3, not 3 x 3: the policy did not retry what the channel retried.
  EXPECT_EQ(service_.attempts, 3);
  // Whoever called this service is told not to retry it.
  EXPECT_TRUE(IsDependencyFailure(s));
  EXPECT_TRUE(IsDependencyFailure(ToGrpcStatus(s)));
}

TEST(ServiceConfigTest, RetriesEveryReadMethodAndNoWrite) {
  const auto config = nlohmann::json::parse(
      ServiceConfigFor(ev::EventsService::service_full_name()));
  std::set<std::string> retried;
  for (const auto& name : config["methodConfig"][0]["name"]) {
    retried.insert(name["method"].get<std::string>());
  }
  // Derived from the descriptor, checked here against the proto's own
  // list of methods: every Get/BatchGet/List is retried, and no write.
  const auto* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          ev::EventsService::service_full_name());
  ASSERT_NE(service, nullptr);
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string& m = service->method(i)->name();
    const bool read = m.rfind("Get", 0) == 0 || m.rfind("List", 0) == 0 ||
                      m.rfind("BatchGet", 0) == 0;
    EXPECT_EQ(retried.count(m), read ? 1u : 0u) << m;
  }
  EXPECT_EQ(config["retryThrottling"]["maxTokens"], 10);
}

}  // namespace
}  // namespace outreach
