#ifndef OUTREACH_COMMON_CONCURRENCY_ADMISSION_H_
#define OUTREACH_COMMON_CONCURRENCY_ADMISSION_H_

// Bounds work that runs on the caller's own thread: at most `running` at
// once, at most `waiting` more waiting for a turn, and the next one refused
// at once with RESOURCE_EXHAUSTED.
//
// The gateway's imports run on the synchronous gRPC thread that took the
// call (gateway_service.h says why), so a waiting import holds that thread:
// `waiting` is what keeps imports from taking the threads reads need.
// A waiter gives up at its deadline (DEADLINE_EXCEEDED) or when
// `cancelled` says so (CANCELLED), polled while it waits.
//
// Thread-safe.

#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace outreach {

class Admission {
 public:
  // `running` >= 1, `waiting` >= 0.
  Admission(int running, int waiting);
  Admission(const Admission&) = delete;
  Admission& operator=(const Admission&) = delete;

  // A turn to run; it ends when the Turn is destroyed.
  class Turn {
   public:
    Turn() = default;
    Turn(Turn&& other) noexcept : owner_(other.owner_) {
      other.owner_ = nullptr;
    }
    Turn& operator=(Turn&& other) noexcept;
    ~Turn();

   private:
    friend class Admission;
    explicit Turn(Admission* owner) : owner_(owner) {}
    Admission* owner_ = nullptr;
  };

  // Takes a turn, waiting for one until `deadline` when all are taken and
  // fewer than `waiting` already wait. `what` names the work in the
  // refusal ("imports").
  absl::Status Enter(absl::Time deadline,
                     const std::function<bool()>& cancelled, const char* what,
                     Turn& turn);

  int running() const;
  int waiting() const;

 private:
  void Leave();

  const int max_running_;
  const int max_waiting_;
  mutable absl::Mutex mu_;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_CONCURRENCY_ADMISSION_H_
