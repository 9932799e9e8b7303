#ifndef OUTREACH_COMMON_CLIENT_EVENT_CHECKER_H_
#define OUTREACH_COMMON_CLIENT_EVENT_CHECKER_H_

// Whether an event exists, asked of the events service: the participants
// and recommendations services both refer to events. Behind an interface so
// managers' tests hand in a fake.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "common/client/call_policy.h"
#include "outreach/events/v1/events.grpc.pb.h"

namespace outreach {

class EventChecker {
 public:
  virtual ~EventChecker() = default;
  // OK when `event_name` ("events/{id}") exists; FAILED_PRECONDITION when it
  // does not; UNAVAILABLE when the events service cannot answer in time.
  virtual absl::Status CheckExists(const CallScope& scope,
                                   const std::string& event_name) = 0;
};

// Calls EventsService.GetEvent under the shared call policy (deadline from
// the caller's, retries of UNAVAILABLE, request id propagated) every time:
// an answer kept in a cache would let a child be created under an event
// deleted since, an orphan.
class GrpcEventChecker final : public EventChecker {
 public:
  // None owned.
  GrpcEventChecker(outreach::events::v1::EventsService::StubInterface* stub,
                   const CallPolicy* policy)
      : stub_(stub), policy_(policy) {}

  absl::Status CheckExists(const CallScope& scope,
                           const std::string& event_name) override;

 private:
  outreach::events::v1::EventsService::StubInterface* const stub_;
  const CallPolicy* const policy_;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_CLIENT_EVENT_CHECKER_H_
