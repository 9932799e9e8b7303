#ifndef OUTREACH_COMMON_CLIENT_CALL_POLICY_H_
#define OUTREACH_COMMON_CLIENT_CALL_POLICY_H_

// How one Outreach service calls another: the policy lives here, not in
// handlers, so every service calls its peers the same way.
//
// - Deadline: derived from the incoming call's (less a margin to answer our
//   own caller), or `default_timeout` when it has none, never more than
//   `max_timeout`. A call that cannot finish in time is not started.
// - Retries, at one layer only and within a budget:
//   - reads (Idempotent::kRead) are retried by the channel's service config
//     (common/client/channel.h), with gRPC's retryThrottling budget, and
//     not here;
//   - writes made idempotent by their request (a request id, a state set
//     outright: Idempotent::kYes) are retried here, because a per-method
//     service config cannot see the request: on UNAVAILABLE, with
//     exponential backoff, within the same deadline, and only while this
//     policy's RetryBudget (the same token bucket) allows;
//   - a write that is not idempotent is tried once: after a lost reply its
//     retry would fail (ALREADY_EXISTS, NOT_FOUND) although it had worked;
//   - an UNAVAILABLE the peer marked as its own dependency's failure is
//     never retried (the peer retried already), and a final UNAVAILABLE is
//     returned marked so (MarkDependencyFailure), so that this service's
//     callers do not retry it either.
// - Request id: the incoming `x-request-id` goes out on every attempt, so
//   one id follows a request through the suite's logs.
//
// Thread-safe when the Clock and Sleeper are.

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/retry/backoff_policy.h"
#include "common/retry/retry_budget.h"
#include "common/time/clock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/server_context.h"

namespace outreach {

struct CallPolicyOptions {
  // Budget when the incoming call has no deadline. Default 2s.
  absl::Duration default_timeout = absl::Seconds(2);
  // Longest budget, whatever the incoming deadline. Default 10s.
  absl::Duration max_timeout = absl::Seconds(10);
  // Kept back from the incoming deadline to answer our own caller.
  absl::Duration margin = absl::Milliseconds(20);
  // Attempts in all, first included. Default 3.
  int max_attempts = 3;
  BackoffOptions backoff = {absl::Milliseconds(50), absl::Seconds(1), 2.0};
};

// What a handler knows of the call it is serving.
struct CallScope {
  // absl::InfiniteFuture() when the caller set none.
  absl::Time deadline = absl::InfiniteFuture();
  std::string request_id;
  // True once the caller has cancelled (or the server is shutting down and
  // gave up on the call): long work polls it and stops. Empty when there
  // is nothing to poll. Valid for as long as the call being served.
  std::function<bool()> cancelled;
  // Whom the call is for (common/security/caller.h): sent on as
  // x-outreach-caller and x-outreach-caller-role, which a peer believes
  // only from a trusted delegator (the gateway). Empty on a plaintext
  // server, where nobody is authenticated; then nothing is sent.
  std::string caller_identity;
  std::string caller_role;
  // The trusted service that called for the caller, or empty. Recorded,
  // not sent on.
  std::string caller_via;

  bool authenticated() const { return !caller_identity.empty(); }
  // "editor", "editor via gateway", or "local" when not authenticated:
  // what history and audit records name.
  std::string CallerName() const;
};

// The scope of an incoming call: its deadline, x-request-id, a poll of its
// cancellation, and its authenticated caller.
CallScope ScopeOf(const grpc::ServerContextBase& context);

using Sleeper = std::function<void(absl::Duration)>;

// Whether a call may be made twice with the effect of once, and who retries.
enum class Idempotent {
  kNo,    // tried once
  kYes,   // a write made idempotent by its request: CallPolicy retries
  kRead,  // a read: the channel's service config retries
};

class CallPolicy {
 public:
  explicit CallPolicy(CallPolicyOptions options = {},
                      Clock* clock = SystemClock::Default(),
                      Sleeper sleep = absl::SleepFor);

  // Calls `attempt` with a fresh ClientContext carrying the deadline and the
  // request id, retrying UNAVAILABLE when `idempotent`. Returns the last
  // attempt's status, or DEADLINE_EXCEEDED when no time is left for
  // (another) attempt. `attempt` returns the peer's grpc::Status converted
  // with FromGrpcStatus.
  absl::Status Run(
      const CallScope& scope, Idempotent idempotent,
      const std::function<absl::Status(grpc::ClientContext&)>& attempt) const;

  // The deadline an outgoing call made now would get.
  absl::Time OutgoingDeadline(const CallScope& scope) const;

  // One asynchronous attempt under this policy, in two halves: Prepare
  // sets `context` up as Run does for each attempt (deadline, request id,
  // caller), or returns DEADLINE_EXCEEDED when no time is left; Finish
  // takes the attempt's status (converted with FromGrpcStatus) and returns
  // what Run would have returned after it. Nothing is retried here, so
  // this suits only calls Run would not retry: reads (the channel's
  // service config retries them) and calls tried once (Idempotent::kNo).
  absl::Status PrepareAttempt(const CallScope& scope,
                              grpc::ClientContext& context) const;
  absl::Status FinishAttempt(absl::Status attempt) const;

 private:
  void SetUp(const CallScope& scope, absl::Time deadline,
             grpc::ClientContext& context) const;

  const CallPolicyOptions options_;
  Clock* const clock_;
  const Sleeper sleep_;
  // Shared by every call made through this policy.
  mutable RetryBudget budget_;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_CLIENT_CALL_POLICY_H_
