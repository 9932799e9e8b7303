#ifndef OUTREACH_SERVICES_GATEWAY_NOTE_IMPORTER_H_
#define OUTREACH_SERVICES_GATEWAY_NOTE_IMPORTER_H_

// Note import: a note's text read (note_parser.h), its names resolved, and
// its records written to the three services as a convergent operation.
//
// Every record the import writes has an identity derived from the note's
// normalized text (its digest): the event `events/{slug}-{digest8}`, its
// participations `…/participations/p{position}`, its outcomes
// `recommendations/{event_id}-o{n}`, and every write's request id. Each
// step is create-or-confirm: a record that exists with the same content
// counts as done; one with other content is a conflict, reported as
// ABORTED with what differs. The event carries the digest and its import
// state: IMPORTING until the last step has been confirmed, COMPLETE after.
// So an import run again — after a failure, after a crash at any step, or
// alongside another import of the same note — ends in exactly one complete
// import. An import never deletes anything. When the note's event was
// deleted, its id is not reused (the events service refuses it) and the
// import takes the next: `{slug}-{digest8}-2`.
//
// Thread-safe.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/client/deadline_split.h"
#include "outreach/gateway/v1/gateway.pb.h"
#include "services/gateway/backend_clients.h"

namespace outreach::gateway {

namespace v1 = ::outreach::gateway::v1;

class NoteImporter {
 public:
  // Called after each step of an import that wrote something: "event",
  // "participations", "outcome-1", …, "complete". For fault tests only.
  using StepHook = std::function<void(absl::string_view step)>;

  // None owned.
  NoteImporter(BackendClients clients, DeadlineShares shares = {},
               StepHook after_step = nullptr);

  absl::StatusOr<v1::ImportReport> Import(
      const CallScope& scope, const v1::ImportInformationNoteRequest& req);

 private:
  struct Reading;
  // What a note will become, read and resolved; nothing written yet.
  struct Plan {
    v1::ImportReport report;  // participations and outcomes as planned
    ev::Event event;          // with note_import IMPORTING
    std::string base_id;
    std::string digest;
  };
  absl::StatusOr<Plan> Read(const CallScope& scope,
                            const v1::ImportInformationNoteRequest& req);
  // Read's three steps: the note parsed and its names listed; the names'
  // resolutions turned into the plan; the groups' checks added to it.
  absl::Status Begin(const v1::ImportInformationNoteRequest& req,
                     Reading& reading);
  absl::Status AfterResolve(Reading& reading);
  void AfterCheck(Reading& reading,
                  const std::vector<pv::CheckMembershipsResponse>& checked);
  static ev::CreateEventRequest DryRunCreate(const Plan& plan);
  static v1::ImportReport DryRunReport(v1::ImportReport report,
                                       ev::Event checked);
  // The steps; each is create-or-confirm.
  absl::StatusOr<ev::Event> CreateOrConfirmEvent(const CallScope& scope,
                                                 Plan& plan);
  absl::Status CreateOrConfirmParticipations(const CallScope& scope,
                                             const Plan& plan,
                                             const std::string& event,
                                             v1::ImportReport& report);
  absl::Status CreateOrConfirmOutcomes(const CallScope& scope, const Plan& plan,
                                       const std::string& event,
                                       v1::ImportReport& report);
  absl::StatusOr<ev::Event> MarkComplete(const CallScope& scope,
                                         const std::string& event);
  void After(absl::string_view step) const {
    if (after_step_) after_step_(step);
  }

  const BackendClients clients_;
  const DeadlineShares shares_;
  const StepHook after_step_;
};

}  // namespace outreach::gateway

#endif  // OUTREACH_SERVICES_GATEWAY_NOTE_IMPORTER_H_
