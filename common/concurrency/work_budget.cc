#include "common/concurrency/work_budget.h"

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

ScopedWorkBudget::ScopedWorkBudget(WorkBudget budget)
    : budget_(std::move(budget)), previous_(current_budget) {
  current_budget = &budget_;
}

ScopedWorkBudget::~ScopedWorkBudget() { current_budget = previous_; }

}  // namespace outreach
