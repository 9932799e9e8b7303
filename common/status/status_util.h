#ifndef OUTREACH_COMMON_STATUS_STATUS_UTIL_H_
#define OUTREACH_COMMON_STATUS_STATUS_UTIL_H_

// Errors flow below the RPC layer as absl::Status. This header is the one
// place that turns them into grpc::Status (and back, for calls to other
// services), carrying google.rpc.BadRequest field violations in the
// standard `grpc-status-details-bin` trailer.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace outreach {

// One invalid field: `field` is the path in the request message
// ("event.venue.country_code"), `description` says what is wrong.
struct FieldViolation {
  std::string field;
  std::string description;
};

// Collects field violations while a request is validated, so the caller sees
// every problem at once rather than one per round trip.
//
//   FieldViolations v;
//   if (title.empty()) v.Add("event.title", "is required");
//   if (absl::Status s = v.ToStatus("invalid event"); !s.ok()) return s;
class FieldViolations {
 public:
  void Add(std::string field, std::string description);
  // Adds "is required" when `required` and `value` is blank, or "is longer
  // than `max` bytes" when it is too long.
  void CheckText(absl::string_view value, size_t max, bool required,
                 absl::string_view field);
  bool empty() const { return violations_.empty(); }
  const std::vector<FieldViolation>& violations() const { return violations_; }
  // OK when nothing was added; else INVALID_ARGUMENT carrying every
  // violation. The message lists them too, for clients that ignore details.
  absl::Status ToStatus(absl::string_view summary) const;

 private:
  std::vector<FieldViolation> violations_;
};

// INVALID_ARGUMENT with a single field violation.
absl::Status InvalidField(absl::string_view field,
                          absl::string_view description);

// The field violations attached to `status`, empty when there are none.
std::vector<FieldViolation> GetFieldViolations(const absl::Status& status);

// A failure of a service this one depends on, after this service's own
// retries: its caller should not retry it too (retries at one layer only).
// On the wire it is a google.rpc.ErrorInfo detail (domain "outreach",
// reason "DEPENDENCY_FAILED"), and the server adds grpc-retry-pushback-ms:
// -1, which gRPC's retry logic obeys (call_log_interceptor.h).
absl::Status MarkDependencyFailure(absl::Status status);
bool IsDependencyFailure(const absl::Status& status);
bool IsDependencyFailure(const grpc::Status& status);

// Converts for the wire. Codes map one to one (they are the google.rpc
// codes); violations become a google.rpc.BadRequest detail.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Converts an answer from another service back, keeping its violations.
absl::Status FromGrpcStatus(const grpc::Status& status);

// For gRPC handlers: moves the value into `response`, or converts the error.
template <typename T>
grpc::Status ReplyWith(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace outreach

#endif  // OUTREACH_COMMON_STATUS_STATUS_UTIL_H_
