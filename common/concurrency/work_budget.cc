#include "common/concurrency/work_budget.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace outreach {
namespace {

const WorkBudget& Unbounded() {
  static const WorkBudget* const kUnbounded = new WorkBudget();
  return *kUnbounded;
}

thread_local const WorkBudget* current_budget = nullptr;

}  // namespace

const WorkBudget& CurrentWorkBudget() {
  return current_budget != nullptr ? *current_budget : Unbounded();
}

absl::Status BudgetStatus(const WorkBudget& budget, absl::string_view what) {
  // The deadline first: a call past its deadline is also cancelled, and
  // DEADLINE_EXCEEDED says why.
  if (budget.deadline != absl::InfiniteFuture() &&
      absl::Now() >= budget.deadline) {
    return absl::DeadlineExceededError(
        absl::StrCat(what, " stopped: the call's deadline passed"));
  }
  if (budget.cancelled && budget.cancelled()) {
    return absl::CancelledError(
        absl::StrCat(what, " stopped: the call was cancelled"));
  }
  return absl::OkStatus();
}

std::function<bool()> PollAtMostEvery(absl::Duration every,
                                      std::function<bool()> poll) {
  struct State {
    std::function<bool()> poll;
    int64_t every_ns;
    std::atomic<int64_t> next_ns;
    std::atomic<bool> seen{false};
  };
  const int64_t every_ns = absl::ToInt64Nanoseconds(every);
  auto state = std::make_shared<State>();
  state->poll = std::move(poll);
  state->every_ns = every_ns;
  state->next_ns.store(absl::GetCurrentTimeNanos() + every_ns);
  return [state]() {
    if (state->seen.load(std::memory_order_acquire)) return true;
    const int64_t now = absl::GetCurrentTimeNanos();
    int64_t next = state->next_ns.load(std::memory_order_relaxed);
    if (now < next) return false;
    // One caller polls per interval; the others answer "not yet".
    if (!state->next_ns.compare_exchange_strong(next, now + state->every_ns)) {
      return false;
    }
    if (!state->poll()) return false;
    state->seen.store(true, std::memory_order_release);
    return true;
  };
}

ScopedWorkBudget::ScopedWorkBudget(WorkBudget budget)
    : budget_(std::move(budget)), previous_(current_budget) {
  current_budget = &budget_;
}

ScopedWorkBudget::~ScopedWorkBudget() { current_budget = previous_; }

}  // namespace outreach
