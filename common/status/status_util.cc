#include "common/status/status_util.h"

#include "common/text/utf8.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace outreach {
namespace {

// The absl::Status payload key under which violations travel. Using the type
// URL keeps the payload self-describing.
constexpr absl::string_view kBadRequestUrl =
    "type.googleapis.com/google.rpc.BadRequest";

absl::Status WithViolations(absl::string_view message,
                            const std::vector<FieldViolation>& violations) {
  google::rpc::BadRequest bad_request;
  for (const auto& v : violations) {
    auto* fv = bad_request.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
  }
  absl::Status status(absl::StatusCode::kInvalidArgument, message);
  status.SetPayload(kBadRequestUrl,
                    absl::Cord(bad_request.SerializeAsString()));
  return status;
}

}  // namespace

void FieldViolations::Add(std::string field, std::string description) {
  // Descriptions echo input; a detail that is not UTF-8 would be lost on
  // the wire with the whole BadRequest.
  violations_.push_back({ToValidUtf8(field), ToValidUtf8(description)});
}

void FieldViolations::CheckText(absl::string_view value, size_t max,
                                bool required, absl::string_view field) {
  if (required && absl::StripAsciiWhitespace(value).empty()) {
    Add(std::string(field), "is required");
  } else if (value.size() > max) {
    Add(std::string(field), absl::StrCat("is longer than ", max, " bytes"));
  }
}

absl::Status FieldViolations::ToStatus(absl::string_view summary) const {
  if (violations_.empty()) return absl::OkStatus();
  std::string message = absl::StrCat(
      summary, ": ",
      absl::StrJoin(violations_, "; ",
                    [](std::string* out, const FieldViolation& v) {
                      absl::StrAppend(out, v.field, " ", v.description);
                    }));
  return WithViolations(message, violations_);
}

absl::Status InvalidField(absl::string_view field,
                          absl::string_view description) {
  FieldViolations v;
  v.Add(std::string(field), std::string(description));
  return v.ToStatus("invalid request");
}

std::vector<FieldViolation> GetFieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  auto payload = status.GetPayload(kBadRequestUrl);
  if (!payload.has_value()) return out;
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) return out;
  for (const auto& fv : bad_request.field_violations()) {
    out.push_back({fv.field(), fv.description()});
  }
  return out;
}

namespace {

constexpr char kDependencyPayload[] = "outreach/dependency-failure";
constexpr char kErrorDomain[] = "outreach";
constexpr char kDependencyReason[] = "DEPENDENCY_FAILED";

}  // namespace

absl::Status MarkDependencyFailure(absl::Status status) {
  if (!status.ok()) status.SetPayload(kDependencyPayload, absl::Cord("1"));
  return status;
}

bool IsDependencyFailure(const absl::Status& status) {
  return status.GetPayload(kDependencyPayload).has_value();
}

bool IsDependencyFailure(const grpc::Status& status) {
  if (status.ok() || status.error_details().empty()) return false;
  google::rpc::Status rpc_status;
  if (!rpc_status.ParseFromString(status.error_details())) return false;
  for (const auto& any : rpc_status.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info) && info.domain() == kErrorDomain &&
        info.reason() == kDependencyReason) {
      return true;
    }
  }
  return false;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  const std::string message(status.message());
  auto violations = GetFieldViolations(status);
  const bool dependency = IsDependencyFailure(status);
  if (violations.empty() && !dependency) return grpc::Status(code, message);

  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int>(status.code()));
  rpc_status.set_message(message);
  if (!violations.empty()) {
    google::rpc::BadRequest bad_request;
    for (const auto& v : violations) {
      auto* fv = bad_request.add_field_violations();
      fv->set_field(v.field);
      fv->set_description(v.description);
    }
    rpc_status.add_details()->PackFrom(bad_request);
  }
  if (dependency) {
    google::rpc::ErrorInfo info;
    info.set_domain(kErrorDomain);
    info.set_reason(kDependencyReason);
    rpc_status.add_details()->PackFrom(info);
  }
  return grpc::Status(code, message, rpc_status.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  const auto code = static_cast<absl::StatusCode>(status.error_code());
  google::rpc::Status rpc_status;
  if (!status.error_details().empty() &&
      rpc_status.ParseFromString(status.error_details())) {
    std::vector<FieldViolation> violations;
    for (const auto& any : rpc_status.details()) {
      google::rpc::BadRequest bad_request;
      if (!any.UnpackTo(&bad_request)) continue;
      for (const auto& fv : bad_request.field_violations()) {
        violations.push_back({fv.field(), fv.description()});
      }
    }
    if (!violations.empty() && code == absl::StatusCode::kInvalidArgument) {
      return WithViolations(status.error_message(), violations);
    }
  }
  absl::Status converted(code, status.error_message());
  // The callee already retried its dependency: keep saying so.
  if (IsDependencyFailure(status)) {
    converted = MarkDependencyFailure(std::move(converted));
  }
  return converted;
}

}  // namespace outreach
