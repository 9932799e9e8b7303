#include "common/client/call_policy.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/concurrency/work_budget.h"
#include "common/security/caller.h"
#include "common/server/call_log_interceptor.h"
#include "common/status/status_util.h"

namespace outreach {

CallScope ScopeOf(const grpc::ServerContextBase& context) {
  CallScope scope;
  const auto deadline = context.deadline();
  if (deadline != std::chrono::system_clock::time_point::max()) {
    scope.deadline = absl::FromChrono(deadline);
  }
  const auto& md = context.client_metadata();
  auto it = md.find(kRequestIdHeader);
  if (it != md.end())
    scope.request_id.assign(it->second.data(), it->second.size());
  // IsCancelled is safe to call from any thread of a synchronous handler;
  // it is polled sparingly, since each poll costs a wake-up
  // (PollAtMostEvery in common/concurrency/work_budget.h).
  scope.cancelled = PollAtMostEvery(
      kCancellationPollInterval, [&context] { return context.IsCancelled(); });
  const Caller caller = CallerOf(context);
  if (caller.authenticated) {
    scope.caller_identity = caller.identity;
    scope.caller_role = caller.role;
    scope.caller_via = caller.via;
  }
  return scope;
}

std::string CallScope::CallerName() const {
  if (!authenticated()) return "local";
  return caller_via.empty() ? caller_identity
                            : absl::StrCat(caller_identity, " via ", caller_via);
}

CallPolicy::CallPolicy(CallPolicyOptions options, Clock* clock, Sleeper sleep)
    : options_(std::move(options)), clock_(clock), sleep_(std::move(sleep)) {}

absl::Time CallPolicy::OutgoingDeadline(const CallScope& scope) const {
  const absl::Time now = clock_->Now();
  absl::Time deadline = scope.deadline == absl::InfiniteFuture()
                            ? now + options_.default_timeout
                            : scope.deadline - options_.margin;
  return std::min(deadline, now + options_.max_timeout);
}

absl::Status CallPolicy::Run(
    const CallScope& scope, Idempotent idempotent,
    const std::function<absl::Status(grpc::ClientContext&)>& attempt) const {
  const absl::Time deadline = OutgoingDeadline(scope);
  // Made on the first retry only: seeding its generator reads the kernel's
  // entropy, a cost every call would otherwise pay (docs/performance.md).
  std::optional<ExponentialBackoff> backoff;
  absl::Status last = absl::DeadlineExceededError(
      "no time left to call the dependency within the caller's deadline");
  for (int i = 1; i <= options_.max_attempts; ++i) {
    if (clock_->Now() >= deadline) break;
    grpc::ClientContext context;
    SetUp(scope, deadline, context);
    last = attempt(context);
    if (last.code() != absl::StatusCode::kUnavailable) {
      budget_.RecordSuccess();
      return last;
    }
    budget_.RecordFailure();
    // The peer's own dependency failed, and the peer retried it already.
    if (IsDependencyFailure(last)) return last;
    if (idempotent != Idempotent::kYes) break;
    if (i == options_.max_attempts || !budget_.CanRetry()) break;
    if (!backoff.has_value()) backoff.emplace(options_.backoff);
    const absl::Duration delay = backoff->NextDelay();
    if (clock_->Now() + delay >= deadline) break;
    sleep_(delay);
  }
  // Retried here (or by the channel) already: callers must not retry too.
  return last.code() == absl::StatusCode::kUnavailable
             ? MarkDependencyFailure(std::move(last))
             : last;
}

void CallPolicy::SetUp(const CallScope& scope, absl::Time deadline,
                       grpc::ClientContext& context) const {
  context.set_deadline(absl::ToChronoTime(deadline));
  if (!scope.request_id.empty()) {
    context.AddMetadata(kRequestIdHeader, scope.request_id);
  }
  if (!scope.caller_identity.empty()) {
    context.AddMetadata(kCallerHeader, scope.caller_identity);
    context.AddMetadata(kCallerRoleHeader, scope.caller_role);
  }
}

absl::Status CallPolicy::PrepareAttempt(const CallScope& scope,
                                        grpc::ClientContext& context) const {
  const absl::Time deadline = OutgoingDeadline(scope);
  if (clock_->Now() >= deadline) {
    return absl::DeadlineExceededError(
        "no time left to call the dependency within the caller's deadline");
  }
  SetUp(scope, deadline, context);
  return absl::OkStatus();
}

absl::Status CallPolicy::FinishAttempt(absl::Status attempt) const {
  // As Run after an attempt it does not retry.
  if (attempt.code() != absl::StatusCode::kUnavailable) {
    budget_.RecordSuccess();
    return attempt;
  }
  budget_.RecordFailure();
  if (IsDependencyFailure(attempt)) return attempt;
  return MarkDependencyFailure(std::move(attempt));
}

}  // namespace outreach
