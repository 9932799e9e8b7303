#ifndef OUTREACH_SERVICES_GATEWAY_GATEWAY_MANAGER_H_
#define OUTREACH_SERVICES_GATEWAY_GATEWAY_MANAGER_H_

// The gateway's logic: notes composed from the three services (asked in
// parallel, each within a share of the caller's deadline, optional parts
// marked missing rather than failing the call), rendering, and import of a
// note's text into records. Thread-safe; it keeps no state of its own.
//
// Complete composite results (notes, renderings, profiles, dashboards) are
// cached in Redis under the suite's write generation
// (common/cache/write_generation.h), so a write through any service is
// seen by the next read. Partial results are never cached; a cache that
// cannot be read is skipped.

#include <functional>

#include "absl/status/statusor.h"
#include "common/cache/cache.h"
#include "common/cache/write_generation.h"
#include "common/client/call_policy.h"
#include "common/concurrency/thread_pool.h"
#include "common/geo/iso3166.h"
#include "outreach/events/v1/events.grpc.pb.h"
#include "outreach/gateway/v1/gateway.pb.h"
#include "outreach/participants/v1/participants.grpc.pb.h"
#include "outreach/recommendations/v1/recommendations.grpc.pb.h"

namespace outreach::gateway {

namespace v1 = ::outreach::gateway::v1;

struct Backends {
  outreach::events::v1::EventsService::StubInterface* events;
  outreach::participants::v1::ParticipantsService::StubInterface* participants;
  outreach::recommendations::v1::RecommendationsService::StubInterface*
      recommendations;
};

class GatewayManager {
 public:
  // None owned. `fanout` runs the parallel branches of composite calls.
  // `cache` and `generation` may be null (no caching).
  GatewayManager(Backends backends, const CallPolicy* policy,
                 ThreadPool* fanout, const CountryRegistry* countries,
                 Cache* cache = nullptr,
                 WriteGeneration* generation = nullptr,
                 absl::Duration cache_ttl = absl::Minutes(5));

  absl::StatusOr<v1::InformationNote> GetInformationNote(
      const CallScope& scope, const v1::GetInformationNoteRequest& req);
  absl::StatusOr<v1::RenderedNote> RenderInformationNote(
      const CallScope& scope, const v1::RenderInformationNoteRequest& req);
  absl::StatusOr<v1::ImportReport> ImportInformationNote(
      const CallScope& scope, const v1::ImportInformationNoteRequest& req);
  absl::StatusOr<v1::StateProfile> GetStateProfile(
      const CallScope& scope, const v1::GetStateProfileRequest& req);
  absl::StatusOr<v1::Dashboard> GetDashboard(
      const CallScope& scope, const v1::GetDashboardRequest& req);
  absl::StatusOr<outreach::events::v1::ListEventsResponse> ListEvents(
      const CallScope& scope,
      const outreach::events::v1::ListEventsRequest& req);

 private:
  // The composite for `request` from the cache, or computed and stored.
  template <typename Response>
  absl::StatusOr<Response> Cached(
      absl::string_view method, const google::protobuf::Message& request,
      const std::function<absl::StatusOr<Response>()>& compute);
  absl::StatusOr<v1::InformationNote> ComputeNote(
      const CallScope& scope, const v1::GetInformationNoteRequest& req);
  absl::StatusOr<v1::RenderedNote> ComputeRendered(
      const CallScope& scope, const v1::RenderInformationNoteRequest& req);
  absl::StatusOr<v1::StateProfile> ComputeProfile(
      const CallScope& scope, const v1::GetStateProfileRequest& req);
  absl::StatusOr<v1::Dashboard> ComputeDashboard(
      const CallScope& scope, const v1::GetDashboardRequest& req);

  // Removes what a failed import created; returns `failure` with a note of
  // what happened (or of what could not be removed).
  absl::Status Undo(const CallScope& scope, absl::Status failure,
                    const std::string& event,
                    const std::vector<std::string>& participations,
                    const std::vector<std::string>& outcomes);

  // Every page of a participants or recommendations listing.
  absl::StatusOr<std::vector<outreach::participants::v1::Participation>>
  AllParticipations(const CallScope& scope, const std::string& parent,
                    const std::string& filter);
  absl::StatusOr<std::vector<outreach::recommendations::v1::Recommendation>>
  AllOutcomes(const CallScope& scope, const std::string& filter);

  Backends backends_;
  const CallPolicy* const policy_;
  ThreadPool* const fanout_;
  const CountryRegistry* const countries_;
  Cache* const cache_;
  WriteGeneration* const generation_;
  const absl::Duration cache_ttl_;
};

}  // namespace outreach::gateway

#endif  // OUTREACH_SERVICES_GATEWAY_GATEWAY_MANAGER_H_
