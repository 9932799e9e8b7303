#ifndef OUTREACH_SERVICES_GATEWAY_NOTE_COMPOSER_H_
#define OUTREACH_SERVICES_GATEWAY_NOTE_COMPOSER_H_

// The gateway's reads: notes composed from the three services (asked in
// parallel, each within a share of the caller's deadline, optional parts
// marked missing rather than failing the call), their renderings, State
// profiles, the dashboard, the events listing and deletion passed through,
// and the integrity scan. Thread-safe; it keeps no state of its own.
//
// Complete composite results (notes, renderings, profiles, dashboards) are
// cached in Redis under the suite's write generation
// (common/cache/write_generation.h), so a write through any service is
// seen by the next read. Partial results are never cached; a cache that
// cannot be read is skipped.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/cache/cache.h"
#include "common/cache/near_cache.h"
#include "common/cache/write_generation.h"
#include "common/client/deadline_split.h"
#include "common/concurrency/thread_pool.h"
#include "common/geo/iso3166.h"
#include "common/security/visibility.h"
#include "outreach/gateway/v1/gateway.pb.h"
#include "services/gateway/backend_clients.h"
#include "services/gateway/note_parser.h"

namespace outreach::gateway {

namespace v1 = ::outreach::gateway::v1;

// The country's name for a reader ("Republic of Moldova" rather than
// ISO's "Moldova, Republic of"); the code itself when unknown.
std::string CountryDisplayName(const CountryRegistry& countries,
                               const std::string& code);

// A note's records in the shape the renderers take (note_renderer.h):
// participants in printed order, the venue's country by name.
ParsedNote NoteView(const v1::InformationNote& note,
                    const CountryRegistry& countries);

class NoteComposer {
 public:
  // None owned. `fanout` runs the parallel branches of composite calls.
  // `cache` and `generation` may be null (no caching). `readers` says
  // whose composites may hold confidential records: cached composites are
  // keyed by that visibility, so one computed for a confidential reader
  // is never served to anyone else. Null: everyone sees everything.
  // `near` keeps composites in this process too, serialized as Redis
  // holds them, under the same keys (which name the write generation, so
  // an entry never goes stale: rule 1 of near_cache.h); used only with
  // `cache` and `generation`. Null: none.
  NoteComposer(BackendClients clients, ThreadPool* fanout,
               const CountryRegistry* countries, Cache* cache = nullptr,
               WriteGeneration* generation = nullptr,
               absl::Duration cache_ttl = absl::Minutes(5),
               DeadlineShares shares = {},
               const ConfidentialReaders* readers = nullptr,
               NearCache<std::string>* near = nullptr);

  // An event's note, serialized: a warm note is sent as the cache holds it,
  // with no parse, copy or serialization of its ~60 sub-messages
  // (GatewayServiceImpl, gateway_service.h).
  absl::StatusOr<std::shared_ptr<const std::string>> GetInformationNoteBytes(
      const CallScope& scope, const v1::GetInformationNoteRequest& req);
  absl::StatusOr<v1::RenderedNote> RenderInformationNote(
      const CallScope& scope, const v1::RenderInformationNoteRequest& req);
  absl::StatusOr<v1::StateProfile> GetStateProfile(
      const CallScope& scope, const v1::GetStateProfileRequest& req);
  absl::StatusOr<v1::Dashboard> GetDashboard(
      const CallScope& scope, const v1::GetDashboardRequest& req);
  absl::StatusOr<ev::ListEventsResponse> ListEvents(
      const CallScope& scope, const ev::ListEventsRequest& req);
  // Outcomes, as the recommendations service lists them for the caller.
  absl::StatusOr<rv::ListRecommendationsResponse> ListRecommendations(
      const CallScope& scope, const rv::ListRecommendationsRequest& req);
  // A lifecycle move, made by the recommendations service for the caller
  // (whose role it checks); its write generation keeps composites fresh.
  absl::StatusOr<rv::Recommendation> TransitionRecommendation(
      const CallScope& scope, const rv::TransitionRecommendationRequest& req);
  absl::Status DeleteEvent(const CallScope& scope,
                           const ev::DeleteEventRequest& req);
  // Every event, participation and outcome, read page by page: what refers
  // to something missing, and which imports are incomplete.
  absl::StatusOr<v1::IntegrityReport> CheckIntegrity(const CallScope& scope);

 private:
  // Where a composite is cached (`key`, empty when it cannot be: no cache,
  // or the write generation is unknown) and, on a hit, its bytes. Bytes
  // read from Redis are parsed into `parsed` (and then `parsed` is true),
  // and kept or returned only if they parse: anything else (corrupt,
  // planted, another version's) is recomputed. Bytes from this process's
  // near cache were checked when kept, and are not parsed again.
  struct Lookup {
    std::string key;
    std::shared_ptr<const std::string> bytes;
    bool parsed = false;
  };
  Lookup LookUp(const CallScope& scope, absl::string_view method,
                const google::protobuf::Message& request,
                google::protobuf::Message* parsed);
  // Stores a computed composite under `key`, in Redis and in this process.
  void Store(const std::string& key, std::shared_ptr<const std::string> bytes);
  // The composite for `request` from the cache, or computed and stored.
  template <typename Response>
  absl::StatusOr<Response> Cached(
      const CallScope& scope, absl::string_view method,
      const google::protobuf::Message& request,
      const std::function<absl::StatusOr<Response>()>& compute);
  absl::StatusOr<v1::InformationNote> ComputeNote(
      const CallScope& scope, const v1::GetInformationNoteRequest& req);
  absl::StatusOr<v1::RenderedNote> ComputeRendered(
      const CallScope& scope, const v1::RenderInformationNoteRequest& req);
  // The events named by `by_event`'s keys, by name, in batches; events
  // deleted since are absent from the map.
  absl::StatusOr<std::map<std::string, ev::Event>> AttendedEvents(
      const CallScope& scope,
      const std::map<std::string, v1::AttendedEvent>& by_event);
  absl::StatusOr<v1::StateProfile> ComputeProfile(
      const CallScope& scope, const v1::GetStateProfileRequest& req);
  absl::StatusOr<v1::Dashboard> ComputeDashboard(
      const CallScope& scope, const v1::GetDashboardRequest& req);
  absl::StatusOr<v1::Dashboard> ComputeFilteredDashboard(
      const CallScope& scope, const v1::GetDashboardRequest& req);

  // Each page of a participants or recommendations listing, in order, to
  // `page`; only one page is held at a time, whatever the store holds.
  absl::Status ForEachParticipationPage(
      const CallScope& scope, const std::string& parent,
      const std::string& filter,
      const std::function<void(const pv::ListParticipationsResponse&)>& page);
  absl::Status ForEachOutcomePage(
      const CallScope& scope, const std::string& filter,
      const std::function<void(const rv::ListRecommendationsResponse&)>& page);
  // Every page of a participants or recommendations listing, kept: for
  // the views that return them all (a profile; a note reads its pages in
  // a CallGroup instead).
  absl::StatusOr<std::vector<pv::Participation>> AllParticipations(
      const CallScope& scope, const std::string& parent,
      const std::string& filter);
  absl::StatusOr<std::vector<rv::Recommendation>> AllOutcomes(
      const CallScope& scope, const std::string& filter);

  const BackendClients clients_;
  ThreadPool* const fanout_;
  const CountryRegistry* const countries_;
  Cache* const cache_;
  WriteGeneration* const generation_;
  const absl::Duration cache_ttl_;
  const DeadlineShares shares_;
  const ConfidentialReaders* const readers_;
  NearCache<std::string>* const near_;
};

}  // namespace outreach::gateway

#endif  // OUTREACH_SERVICES_GATEWAY_NOTE_COMPOSER_H_
