#include "common/client/call_group.h"

#include <utility>

namespace outreach {

CallGroup::~CallGroup() {
  Wait();
  cq_.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq_.Next(&tag, &ok)) {
  }
}

void* CallGroup::Add(std::function<void(bool ok)> on_done) {
  ++pending_;
  return new Entry{std::move(on_done)};
}

void CallGroup::Wait() {
  while (pending_ > 0) {
    void* tag = nullptr;
    bool ok = false;
    // Every pending call has its Finish on this queue, and gRPC completes
    // each one (with the deadline at the latest), so this returns.
    if (!cq_.Next(&tag, &ok)) return;
    --pending_;
    std::unique_ptr<Entry> entry(static_cast<Entry*>(tag));
    entry->on_done(ok);
  }
}

}  // namespace outreach
