#ifndef OUTREACH_COMMON_CONCURRENCY_WORK_BUDGET_H_
#define OUTREACH_COMMON_CONCURRENCY_WORK_BUDGET_H_

// The budget of the work a thread does for the call it serves: the call's
// deadline, and a poll of whether its caller gave up. The server sets it
// around every handler (server_runner.cc), so that code far below the RPC
// layer (a store waiting for its writer, SQLite running a statement) can
// stop when nobody is waiting for the answer any more, without every
// interface between them taking a context.
//
// Outside a call, the budget is unbounded and never cancelled. The budget
// is per thread: work handed to another thread carries its own (CallScope
// in common/client/call_policy.h).

#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace outreach {

struct WorkBudget {
  absl::Time deadline = absl::InfiniteFuture();
  // True once the caller cancelled; empty when there is nothing to poll.
  // Called from the thread that owns the budget only.
  std::function<bool()> cancelled;
};

// The budget of the call this thread is serving.
const WorkBudget& CurrentWorkBudget();

// OK while `budget` has time left and was not cancelled; else
// DEADLINE_EXCEEDED or CANCELLED, naming `what` was stopped.
absl::Status BudgetStatus(const WorkBudget& budget, absl::string_view what);

// A cancellation poll that calls `poll` at most once per `every`, and not
// before `every` has passed since it was made; once `poll` said true, it
// says true without calling it again. Thread-safe when `poll` is.
//
// Why: gRPC's ServerContext::IsCancelled on a synchronous call polls the
// call's completion queue, which costs a pollset wait and a wake-up; on
// this project's machines that cost more than the short store read it
// guarded, twice per read (docs/performance.md, issue 15). Work shorter
// than `every` now runs to its end when its caller has gone, which costs
// nothing anyone waits for; longer work still stops within `every` of a
// cancellation, and the deadline is checked as before.
std::function<bool()> PollAtMostEvery(absl::Duration every,
                                      std::function<bool()> poll);

// How often the server's budgets poll gRPC for a cancelled call.
inline constexpr absl::Duration kCancellationPollInterval =
    absl::Milliseconds(1);

// Sets this thread's budget for its lifetime, then restores the one before.
class ScopedWorkBudget {
 public:
  explicit ScopedWorkBudget(WorkBudget budget);
  ~ScopedWorkBudget();
  ScopedWorkBudget(const ScopedWorkBudget&) = delete;
  ScopedWorkBudget& operator=(const ScopedWorkBudget&) = delete;

 private:
  WorkBudget budget_;
  const WorkBudget* previous_;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_CONCURRENCY_WORK_BUDGET_H_
