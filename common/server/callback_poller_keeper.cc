#include "common/server/callback_poller_keeper.h"

#include <algorithm>
#include <memory>
#include <thread>
#include <vector>

#include "common/log/json_log.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/impl/server_builder_plugin.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/channel_arguments.h"
#include "grpcpp/support/slice.h"

namespace outreach {
namespace {

// As gRPC 1.51 sizes them: half the cores, at least 2 and at most 16.
int NextingThreads() {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(cores / 2, 2, 16);
}

// Drops the process-wide builder plugins (gRPC's reflection, whose
// static initializer registers it in every process that links it) from
// the keeper's private server: reflection is a synchronous service, and
// would give that server synchronous threads, polling for nothing.
class NoPlugins final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(
      std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins)
      override {
    plugins->clear();
  }
};

}  // namespace

CallbackPollerKeeper::CallbackPollerKeeper(absl::Duration period)
    : period_(period > absl::ZeroDuration()
                  ? period
                  : absl::Milliseconds(200) / NextingThreads()) {
  grpc::ServerBuilder builder;
  builder.SetOption(std::make_unique<NoPlugins>());
  builder.RegisterCallbackGenericService(&unimplemented_);
  server_ = builder.BuildAndStart();
  if (server_ != nullptr) {
    stub_ = std::make_unique<grpc::GenericStub>(
        server_->InProcessChannel(grpc::ChannelArguments()));
  } else {
    // Serving goes on without it; only the rare 100 ms stall comes back.
    LogWarning("callback thread keeper could not start its server; "
               "gRPC's callback threads may stall calls for up to 100 ms");
  }
  thread_ = std::thread([this] { Loop(); });
}

CallbackPollerKeeper::~CallbackPollerKeeper() {
  stop_.Notify();
  thread_.join();
  if (server_ != nullptr) {
    server_->Shutdown();
    server_->Wait();
  }
}

void CallbackPollerKeeper::Loop() {
  if (stub_ == nullptr) return;
  // An empty message: a default ByteBuffer is no message at all, which
  // gRPC rejects as API misuse.
  grpc::Slice nothing;
  const grpc::ByteBuffer empty(&nothing, 1);
  do {
    // One call at a time, waited for, so that none is in flight when the
    // server shuts down. The answer (UNIMPLEMENTED) does not matter: the
    // events it takes on the nexting threads are the point.
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
    grpc::ByteBuffer reply;
    absl::Notification done;
    stub_->UnaryCall(&context, "/outreach.internal.Keeper/Wake",
                     grpc::StubOptions(), &empty, &reply,
                     [&done](const grpc::Status&) { done.Notify(); });
    done.WaitForNotification();
  } while (!stop_.WaitForNotificationWithTimeout(period_));
}

}  // namespace outreach
