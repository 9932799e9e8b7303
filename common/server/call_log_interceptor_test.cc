// The access lines of a real ServerRunner on loopback: successful reads are
// sampled, failures and writes never are.

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/server/call_log_interceptor.h"
#include "common/server/server_runner.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "outreach/events/v1/events.grpc.pb.h"

namespace outreach {
namespace {

namespace ev = outreach::events::v1;

// GetEvent answers "events/missing" with NOT_FOUND and anything else with an
// event; CreateEvent always succeeds.
class Events final : public ev::EventsService::Service {
  grpc::Status GetEvent(grpc::ServerContext*, const ev::GetEventRequest* req,
                        ev::Event* out) override {
    if (req->name() == "events/missing") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such event");
    }
    out->set_name(req->name());
    return grpc::Status::OK;
  }
  grpc::Status CreateEvent(grpc::ServerContext*, const ev::CreateEventRequest*,
                           ev::Event*) override {
    return grpc::Status::OK;
  }
};

struct Counts {
  int ok_reads = 0;
  int failed_reads = 0;
  int writes = 0;
};

// Runs 25 successful reads, 3 failed ones and 2 writes against a server
// that logs one successful read in `every`, and counts the access lines.
Counts CountLines(int every) {
  Events service;
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.shutdown_grace = absl::Milliseconds(100);
  options.access_log_every = every;
  ServerRunner runner(options,
                      {{&service, ev::EventsService::service_full_name()}},
                      nullptr);
  ::testing::internal::CaptureStderr();
  EXPECT_TRUE(runner.Start().ok());
  auto stub = ev::EventsService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", runner.port()),
      grpc::InsecureChannelCredentials()));
  auto call = [&](auto method, const auto& req) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(5));
    ev::Event out;
    return ((*stub).*method)(&ctx, req, &out);
  };
  ev::GetEventRequest ok;
  ok.set_name("events/kiev-2013");
  ev::GetEventRequest missing;
  missing.set_name("events/missing");
  for (int i = 0; i < 25; ++i) {
    EXPECT_TRUE(call(&ev::EventsService::Stub::GetEvent, ok).ok());
    if (i % 8 == 5) {  // after reads 6, 14 and 22
      EXPECT_EQ(call(&ev::EventsService::Stub::GetEvent, missing).error_code(),
                grpc::StatusCode::NOT_FOUND);
    }
  }
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(call(&ev::EventsService::Stub::CreateEvent,
                     ev::CreateEventRequest())
                    .ok());
  }
  runner.Shutdown();
  runner.Wait();
  const std::string log = ::testing::internal::GetCapturedStderr();
  Counts counts;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (line.find("\"message\":\"rpc\"") == absl::string_view::npos) continue;
    const bool get = line.find("EventsService/GetEvent\"") != line.npos;
    const bool ok_code = line.find("\"code\":\"OK\"") != line.npos;
    if (get && ok_code) ++counts.ok_reads;
    if (get && !ok_code) ++counts.failed_reads;
    if (line.find("EventsService/CreateEvent\"") != line.npos) ++counts.writes;
  }
  return counts;
}

TEST(CallLogInterceptorTest, LogsEveryCallWhenAskedTo) {
  const Counts c = CountLines(1);
  EXPECT_EQ(c.ok_reads, 25);
  EXPECT_EQ(c.failed_reads, 3);
  EXPECT_EQ(c.writes, 2);
}

TEST(CallLogInterceptorTest, SamplesSuccessfulReadsOnly) {
  const Counts c = CountLines(10);
  // The 1st, 11th and 21st successful read.
  EXPECT_EQ(c.ok_reads, 3);
  EXPECT_EQ(c.failed_reads, 3);
  EXPECT_EQ(c.writes, 2);
}

}  // namespace
}  // namespace outreach
