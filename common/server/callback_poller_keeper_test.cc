#include "common/server/callback_poller_keeper.h"

#include <sys/syscall.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/server_builder.h"

namespace outreach {
namespace {

// The /proc/self/task folders of this process's threads named `name`.
std::vector<std::filesystem::path> ThreadsNamed(const std::string& name) {
  std::vector<std::filesystem::path> found;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string line;
    std::getline(comm, line);
    if (line == name) found.push_back(task.path());
  }
  return found;
}

// How many times, sampling every 2 ms over `span`, a thread of gRPC's
// callback completion queue ("nexting_thread") was found in its idle
// sleep: blocked in clock_nanosleep, the only sleep those threads take
// (their waits for events are epoll and futex waits).
int IdleSleepsSeen(absl::Duration span) {
  int seen = 0;
  const absl::Time end = absl::Now() + span;
  while (absl::Now() < end) {
    for (const auto& task : ThreadsNamed("nexting_thread")) {
      std::ifstream syscall_file(task / "syscall");
      std::string number;
      syscall_file >> number;
      int n = 0;
      if (absl::SimpleAtoi(number, &n) &&
          (n == SYS_clock_nanosleep || n == SYS_nanosleep)) {
        ++seen;
      }
    }
    absl::SleepFor(absl::Milliseconds(2));
  }
  return seen;
}

int NextingThreads() {
  return static_cast<int>(ThreadsNamed("nexting_thread").size());
}

// gRPC 1.51's callback threads sleep 100 ms after each idle second; the
// keeper's calls leave them no idle second. The first half checks that
// the sleep is there to be seen: if a newer gRPC drops it, that half
// fails, and the keeper can go.
TEST(CallbackPollerKeeperTest, CallbackThreadsNeverTakeTheirIdleSleep) {
  // Any user of the callback API starts the threads; a server with a
  // callback generic service and no port is the smallest.
  grpc::CallbackGenericService generic;
  grpc::ServerBuilder builder;
  builder.RegisterCallbackGenericService(&generic);
  auto server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  // gRPC starts them with the server, but they name themselves a moment
  // later.
  for (int i = 0; i < 100 && NextingThreads() < 2; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_GE(NextingThreads(), 2);

  EXPECT_GT(IdleSleepsSeen(absl::Milliseconds(2500)), 0)
      << "gRPC's callback threads no longer sleep when idle";
  {
    CallbackPollerKeeper keeper;
    EXPECT_LE(keeper.period(), absl::Milliseconds(100));
    // A sleep begun before the keeper started ends within 100 ms.
    absl::SleepFor(absl::Milliseconds(150));
    EXPECT_EQ(IdleSleepsSeen(absl::Milliseconds(3000)), 0);
  }
  server->Shutdown();
}

// gRPC's reflection plugin is process-wide (the services link it): the
// keeper's private server must not take it, or it would start synchronous
// server threads that poll for nothing.
TEST(CallbackPollerKeeperTest, StartsNoSynchronousThreads) {
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  CallbackPollerKeeper keeper;
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_TRUE(ThreadsNamed("grpcpp_sync_ser").empty());
}

// Destroying the keeper stops its thread and its server promptly, even
// with a long period.
TEST(CallbackPollerKeeperTest, StopsPromptly) {
  const absl::Time start = absl::Now();
  { CallbackPollerKeeper keeper(absl::Seconds(30)); }
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

}  // namespace
}  // namespace outreach
