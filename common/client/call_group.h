#ifndef OUTREACH_COMMON_CLIENT_CALL_GROUP_H_
#define OUTREACH_COMMON_CLIENT_CALL_GROUP_H_

// Calls that go out together from one thread and are waited for on that
// thread: asynchronous gRPC calls on one completion queue, which Wait
// drains on the thread that calls it.
//
// Why not a thread per call (a pool's futures) or gRPC's callback API: a
// composite view waits for its calls anyway, so its own thread may as well
// receive their answers. Then no other thread is woken to make a call or to
// hand an answer back, and gRPC's pollers (epoll1 keeps one poller at a
// time and kicks the others awake with a futex) have one waiting thread
// less per call. On a machine where a wake-up is dear that is most of a
// gateway call's CPU (docs/performance.md, "The cold note's shape on plain
// gRPC").
//
// Contract: one thread uses a group. Completions run on that thread, inside
// Wait, one at a time, in the order the answers come; a completion may add
// calls (the next page), and Wait returns once every call added, including
// those, has completed. The destructor waits too, so nothing a completion
// refers to outlives it.

#include <cstddef>
#include <functional>
#include <memory>

#include "grpcpp/completion_queue.h"

namespace outreach {

class CallGroup {
 public:
  CallGroup() = default;
  ~CallGroup();
  CallGroup(const CallGroup&) = delete;
  CallGroup& operator=(const CallGroup&) = delete;

  // The queue the group's calls complete on.
  grpc::CompletionQueue* cq() { return &cq_; }

  // Registers a completion and returns the tag that its call's Finish must
  // carry. `on_done` runs inside Wait, with Finish's `ok`.
  void* Add(std::function<void(bool ok)> on_done);

  // Runs completions until no call of the group is pending.
  void Wait();

  // Calls added and not yet completed.
  size_t pending() const { return pending_; }

 private:
  struct Entry {
    std::function<void(bool)> on_done;
  };

  grpc::CompletionQueue cq_;
  size_t pending_ = 0;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_CLIENT_CALL_GROUP_H_
