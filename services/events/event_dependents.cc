#include "services/events/event_dependents.h"

#include "absl/strings/str_cat.h"
#include "common/status/status_util.h"

namespace outreach::events {
namespace {

namespace pv = ::outreach::participants::v1;
namespace rv = ::outreach::recommendations::v1;

}  // namespace

absl::StatusOr<std::vector<std::string>> GrpcEventDependents::Find(
    const CallScope& scope, const std::string& event, int limit) {
  std::vector<std::string> out;
  pv::ListParticipationsRequest parts;
  parts.set_parent(event);
  parts.set_page_size(limit);
  pv::ListParticipationsResponse got_parts;
  absl::Status s = policy_->Run(
      scope, Idempotent::kRead, [&](grpc::ClientContext& c) {
        return FromGrpcStatus(
            participants_->ListParticipations(&c, parts, &got_parts));
      });
  if (!s.ok()) return s;
  for (const auto& p : got_parts.participations()) out.push_back(p.name());
  rv::ListRecommendationsRequest outs;
  outs.set_filter(absl::StrCat("event = \"", event, "\""));
  outs.set_page_size(limit);
  rv::ListRecommendationsResponse got_outs;
  s = policy_->Run(scope, Idempotent::kRead, [&](grpc::ClientContext& c) {
    return FromGrpcStatus(
        recommendations_->ListRecommendations(&c, outs, &got_outs));
  });
  if (!s.ok()) return s;
  for (const auto& r : got_outs.recommendations()) out.push_back(r.name());
  return out;
}

absl::Status GrpcEventDependents::DeleteAll(const CallScope& scope,
                                            const std::string& event) {
  // Page by page from the start: what is deleted drops out of the listing.
  while (true) {
    pv::ListParticipationsRequest list;
    list.set_parent(event);
    list.set_page_size(1000);
    pv::ListParticipationsResponse page;
    absl::Status s =
        policy_->Run(scope, Idempotent::kRead, [&](grpc::ClientContext& c) {
          return FromGrpcStatus(
              participants_->ListParticipations(&c, list, &page));
        });
    if (!s.ok()) return s;
    if (page.participations_size() == 0) break;
    for (const auto& p : page.participations()) {
      pv::DeleteParticipationRequest del;
      del.set_name(p.name());
      google::protobuf::Empty empty;
      s = policy_->Run(scope, Idempotent::kNo, [&](grpc::ClientContext& c) {
        return FromGrpcStatus(
            participants_->DeleteParticipation(&c, del, &empty));
      });
      if (!s.ok() && s.code() != absl::StatusCode::kNotFound) return s;
    }
  }
  while (true) {
    rv::ListRecommendationsRequest list;
    list.set_filter(absl::StrCat("event = \"", event, "\""));
    list.set_page_size(1000);
    rv::ListRecommendationsResponse page;
    absl::Status s =
        policy_->Run(scope, Idempotent::kRead, [&](grpc::ClientContext& c) {
          return FromGrpcStatus(
              recommendations_->ListRecommendations(&c, list, &page));
        });
    if (!s.ok()) return s;
    if (page.recommendations_size() == 0) break;
    for (const auto& r : page.recommendations()) {
      rv::DeleteRecommendationRequest del;
      del.set_name(r.name());
      google::protobuf::Empty empty;
      s = policy_->Run(scope, Idempotent::kNo, [&](grpc::ClientContext& c) {
        return FromGrpcStatus(
            recommendations_->DeleteRecommendation(&c, del, &empty));
      });
      if (!s.ok() && s.code() != absl::StatusCode::kNotFound) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace outreach::events
