#include "services/recommendations/entity_checker.h"

#include "absl/strings/str_cat.h"
#include "common/status/status_util.h"

namespace outreach::recommendations {

absl::Status GrpcEntityChecker::CheckAll(
    const CallScope& scope, const std::vector<std::string>& names) {
  outreach::participants::v1::BatchGetEntitiesRequest request;
  for (const auto& name : names) {
    if (!cache_->Get(absl::StrCat("entity-exists/", name)).has_value()) {
      request.add_names(name);
    }
  }
  if (request.names_size() == 0) return absl::OkStatus();
  absl::Status s = policy_->Run(scope, Idempotent::kRead, [&](grpc::ClientContext& context) {
    outreach::participants::v1::BatchGetEntitiesResponse response;
    return FromGrpcStatus(
        stub_->BatchGetEntities(&context, request, &response));
  });
  if (s.ok()) {
    for (const auto& name : request.names()) {
      cache_->Fill(absl::StrCat("entity-exists/", name), 1, "1");
    }
    return s;
  }
  if (s.code() == absl::StatusCode::kUnavailable ||
      s.code() == absl::StatusCode::kDeadlineExceeded) {
    return absl::UnavailableError(absl::StrCat(
        "the participants service could not confirm the addressees in time: ",
        s.message()));
  }
  return s;
}

}  // namespace outreach::recommendations
