#include "common/client/call_group.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/server/health_service.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/alarm.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace outreach {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

std::chrono::system_clock::time_point In(int ms) {
  return std::chrono::system_clock::now() + std::chrono::milliseconds(ms);
}

// Real calls to a health service on loopback.
class CallGroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    health_.SetServing("up", true);
    grpc::ServerBuilder b;
    int port = 0;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    b.RegisterService(&health_);
    server_ = b.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = Health::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                            grpc::InsecureChannelCredentials()));
  }
  void TearDown() override { server_->Shutdown(In(1000)); }

  // One Check in `group`; the answer and status land in `*out`.
  struct Answer {
    grpc::ClientContext context;
    HealthCheckResponse response;
    grpc::Status status;
    std::unique_ptr<grpc::ClientAsyncResponseReader<HealthCheckResponse>> rpc;
  };
  void Check(CallGroup& group, const std::string& service, Answer* out,
             std::function<void(bool)> then) {
    HealthCheckRequest req;
    req.set_service(service);
    out->context.set_deadline(In(5000));
    out->rpc = stub_->PrepareAsyncCheck(&out->context, req, group.cq());
    out->rpc->StartCall();
    out->rpc->Finish(&out->response, &out->status, group.Add(std::move(then)));
  }

  HealthService health_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Health::Stub> stub_;
};

TEST_F(CallGroupTest, WaitReturnsOnceEveryCallHasCompletedOnThisThread) {
  CallGroup group;
  Answer up, unknown;
  std::vector<std::thread::id> ran_on;
  Check(group, "up", &up, [&](bool ok) {
    EXPECT_TRUE(ok);
    ran_on.push_back(std::this_thread::get_id());
  });
  Check(group, "nobody", &unknown, [&](bool ok) {
    EXPECT_TRUE(ok);
    ran_on.push_back(std::this_thread::get_id());
  });
  EXPECT_EQ(group.pending(), 2u);
  group.Wait();
  EXPECT_EQ(group.pending(), 0u);
  ASSERT_EQ(ran_on.size(), 2u);
  EXPECT_EQ(ran_on[0], std::this_thread::get_id());
  EXPECT_EQ(ran_on[1], std::this_thread::get_id());
  EXPECT_TRUE(up.status.ok());
  EXPECT_EQ(up.response.status(), HealthCheckResponse::SERVING);
  EXPECT_EQ(unknown.status.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(CallGroupTest, ACompletionMayAddTheNextCallAndWaitWaitsForItToo) {
  CallGroup group;
  Answer first, second;
  bool second_done = false;
  Check(group, "up", &first, [&](bool) {
    Check(group, "up", &second, [&](bool) { second_done = true; });
  });
  group.Wait();
  EXPECT_TRUE(second_done);
  EXPECT_TRUE(second.status.ok());
}

TEST_F(CallGroupTest, CompletionsRunInTheOrderTheAnswersCome) {
  // Alarms complete on the group's queue at set times, as calls would.
  CallGroup group;
  std::vector<int> order;
  grpc::Alarm late, early;
  late.Set(group.cq(), In(200), group.Add([&](bool) { order.push_back(2); }));
  early.Set(group.cq(), In(20), group.Add([&](bool) { order.push_back(1); }));
  group.Wait();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST_F(CallGroupTest, TheDestructorWaitsForCallsNobodyWaitedFor) {
  Answer answer;
  bool done = false;
  {
    CallGroup group;
    Check(group, "up", &answer, [&](bool) { done = true; });
  }
  EXPECT_TRUE(done);
  EXPECT_TRUE(answer.status.ok());
}

TEST_F(CallGroupTest, ACallToNoServerCompletesWithItsStatus) {
  auto nowhere = Health::NewStub(
      grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials()));
  CallGroup group;
  Answer answer;
  HealthCheckRequest req;
  answer.context.set_deadline(In(2000));
  answer.rpc = nowhere->PrepareAsyncCheck(&answer.context, req, group.cq());
  answer.rpc->StartCall();
  bool done = false;
  answer.rpc->Finish(&answer.response, &answer.status,
                     group.Add([&](bool) { done = true; }));
  group.Wait();
  EXPECT_TRUE(done);
  EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace outreach
