#include "common/client/event_checker.h"

#include "absl/strings/str_cat.h"
#include "common/status/status_util.h"

namespace outreach {

absl::Status GrpcEventChecker::CheckExists(const CallScope& scope,
                                           const std::string& event_name) {
  // Always asked, never taken from a cache: a child created under an event
  // deleted a moment ago would be an orphan. The events service serves the
  // answer from its own coherent cache.
  outreach::events::v1::GetEventRequest request;
  request.set_name(event_name);
  absl::Status s = policy_->Run(scope, Idempotent::kRead, [&](grpc::ClientContext& context) {
    outreach::events::v1::Event event;
    return FromGrpcStatus(stub_->GetEvent(&context, request, &event));
  });
  switch (s.code()) {
    case absl::StatusCode::kOk:
      return s;
    case absl::StatusCode::kNotFound:
      return absl::FailedPreconditionError(
          absl::StrCat(event_name, " does not exist in the events service"));
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return absl::UnavailableError(
          absl::StrCat("the events service could not confirm ", event_name,
                       " in time: ", s.message()));
    default:
      return s;
  }
}

}  // namespace outreach
