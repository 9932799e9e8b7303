#include "tools/bench/load_generator.h"

#include <memory>
#include <mutex>
#include <thread>

#include "echo.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace outreach::bench {
namespace {

// An echo that serves one call at a time, each taking `service_time`: a
// server with a known capacity of 1/service_time calls per second.
class SerialEcho final : public outreach::bench::EchoService::Service {
 public:
  explicit SerialEcho(absl::Duration service_time) : t_(service_time) {}
  grpc::Status Echo(grpc::ServerContext*, const EchoMessage* in,
                    EchoMessage* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    absl::SleepFor(t_);
    *out = *in;
    return grpc::Status::OK;
  }

 private:
  const absl::Duration t_;
  std::mutex mu_;
};

class LoadGeneratorTest : public ::testing::Test {
 protected:
  void Serve(absl::Duration service_time) {
    service_ = std::make_unique<SerialEcho>(service_time);
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                       &port_);
    b.RegisterService(service_.get());
    server_ = b.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }
  LoadOptions Options(const std::string& method =
                          "/outreach.bench.EchoService/Echo") {
    LoadOptions o;
    o.name = "echo";
    o.channels.push_back(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(port_),
        grpc::InsecureChannelCredentials()));
    o.method = method;
    EchoMessage m;
    m.set_payload("hello");
    const std::string bytes = m.SerializeAsString();
    o.request = [bytes](int64_t) {
      grpc::Slice s(bytes);
      return grpc::ByteBuffer(&s, 1);
    };
    o.warmup = absl::ZeroDuration();
    return o;
  }

  std::unique_ptr<SerialEcho> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

TEST_F(LoadGeneratorTest, ClosedLoopRunsExactlyTheCallsAskedFor) {
  Serve(absl::ZeroDuration());
  LoadOptions o = Options();
  o.concurrency = 4;
  o.max_calls = 200;
  const RunSummary s = RunLoad(o);
  EXPECT_EQ(s.calls, 200);
  EXPECT_EQ(s.errors, 0);
  EXPECT_GT(s.qps, 0);
  EXPECT_GT(s.p50_ms, 0);
  EXPECT_LE(s.p50_ms, s.p99_ms);
  EXPECT_EQ(s.mode, "closed");
}

TEST_F(LoadGeneratorTest, ErrorsAreCountedByCode) {
  Serve(absl::ZeroDuration());
  LoadOptions o = Options("/outreach.bench.EchoService/NoSuchMethod");
  o.max_calls = 10;
  const RunSummary s = RunLoad(o);
  EXPECT_EQ(s.errors, 10);
  EXPECT_EQ(s.error_codes.at("UNIMPLEMENTED"), 10);
  EXPECT_EQ(s.qps, 0);
}

// The server can do 100 calls/s. Closed loop at concurrency 1 sees ~10 ms
// per call. Open loop at 200 calls/s overloads it: calls queue, and since
// latency counts from each call's intended send time, the tail shows the
// queue (hundreds of ms) instead of the 10 ms a closed loop would report.
TEST_F(LoadGeneratorTest, OpenLoopLatencyIncludesQueueing) {
  Serve(absl::Milliseconds(10));
  LoadOptions closed = Options();
  closed.concurrency = 1;
  closed.duration = absl::Milliseconds(500);
  const RunSummary c = RunLoad(closed);
  EXPECT_LT(c.p99_ms, 60);
  EXPECT_NEAR(c.qps, 100, 40);

  LoadOptions open = Options();
  open.rate = 200;
  open.duration = absl::Seconds(1);
  const RunSummary o = RunLoad(open);
  EXPECT_EQ(o.mode, "open");
  EXPECT_GT(o.p99_ms, 250) << "queueing hidden: coordinated omission";
  EXPECT_GT(o.p99_ms, 4 * c.p99_ms);
}

TEST_F(LoadGeneratorTest, OpenLoopHoldsTheRateWhenTheServerKeepsUp) {
  Serve(absl::ZeroDuration());
  LoadOptions o = Options();
  o.rate = 400;
  o.duration = absl::Seconds(1);
  const RunSummary s = RunLoad(o);
  EXPECT_EQ(s.errors, 0);
  EXPECT_NEAR(s.qps, 400, 60);
}

}  // namespace
}  // namespace outreach::bench
