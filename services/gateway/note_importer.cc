#include "services/gateway/note_importer.h"

#include <map>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/resource/resource_ids.h"
#include "common/status/status_util.h"
#include "common/text/utf8.h"
#include "common/time/calendar_date.h"
#include "services/gateway/note_parser.h"
#include "services/gateway/note_renderer.h"

namespace outreach::gateway {
namespace {

// A read the importer makes to converge on what a note already created,
// made as the gateway itself rather than for its caller. The caller holds
// the note's text, its unpublished assistance needs included; hidden from
// them, those needs would look missing (or their ids taken) and the import
// could never complete. Writes keep the caller, for audit and history.
CallScope AsGateway(CallScope scope) {
  scope.caller_identity.clear();
  scope.caller_role.clear();
  scope.caller_via.clear();
  return scope;
}

ev::EventKind GuessKind(const std::string& title) {
  const std::string t = absl::AsciiStrToLower(title);
  if (absl::StrContains(t, "peer review")) return ev::EVENT_KIND_PEER_REVIEW;
  if (absl::StrContains(t, "visit")) return ev::EVENT_KIND_COUNTRY_VISIT;
  if (absl::StrContains(t, "round table") ||
      absl::StrContains(t, "roundtable")) {
    return ev::EVENT_KIND_ROUND_TABLE;
  }
  if (absl::StrContains(t, "industry") || absl::StrContains(t, "conference")) {
    return ev::EVENT_KIND_INDUSTRY_CONFERENCE;
  }
  if (absl::StrContains(t, "training") || absl::StrContains(t, "course")) {
    return ev::EVENT_KIND_TRAINING;
  }
  if (absl::StrContains(t, "national") && absl::StrContains(t, "workshop")) {
    return ev::EVENT_KIND_NATIONAL_WORKSHOP;
  }
  if (absl::StrContains(t, "workshop") || absl::StrContains(t, "seminar")) {
    return ev::EVENT_KIND_REGIONAL_WORKSHOP;
  }
  if (absl::StrContains(t, "meeting"))
    return ev::EVENT_KIND_ORGANIZATION_MEETING;
  return ev::EVENT_KIND_OTHER;
}

ev::OrganizerRole RoleOf(OrganizerRole role) {
  switch (role) {
    case OrganizerRole::kHost:
      return ev::ORGANIZER_ROLE_HOST;
    case OrganizerRole::kSupporter:
      return ev::ORGANIZER_ROLE_SUPPORTER;
    case OrganizerRole::kCoOrganizer:
      break;
  }
  return ev::ORGANIZER_ROLE_CO_ORGANIZER;
}

rv::RecommendationKind KindOf(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::kRecommendation:
      return rv::RECOMMENDATION_KIND_RECOMMENDATION;
    case OutcomeKind::kAssistanceNeed:
      return rv::RECOMMENDATION_KIND_ASSISTANCE_NEED;
    case OutcomeKind::kFollowUp:
      break;
  }
  return rv::RECOMMENDATION_KIND_FOLLOW_UP;
}

v1::LineUse LineUseOf(note::LineUse use) {
  switch (use) {
    case note::LineUse::kBlank:
      return v1::LINE_USE_BLANK;
    case note::LineUse::kHeading:
      return v1::LINE_USE_HEADING;
    case note::LineUse::kHeaderLabel:
      return v1::LINE_USE_HEADER_LABEL;
    case note::LineUse::kHeaderRow:
      return v1::LINE_USE_HEADER_ROW;
    case note::LineUse::kHeaderValue:
      return v1::LINE_USE_HEADER_VALUE;
    case note::LineUse::kParticipantGroup:
      return v1::LINE_USE_PARTICIPANT_GROUP;
    case note::LineUse::kParticipants:
      return v1::LINE_USE_PARTICIPANTS;
    case note::LineUse::kSectionHeading:
      return v1::LINE_USE_SECTION_HEADING;
    case note::LineUse::kSectionText:
      return v1::LINE_USE_SECTION_TEXT;
    case note::LineUse::kContact:
      return v1::LINE_USE_CONTACT;
    case note::LineUse::kDisclaimer:
      return v1::LINE_USE_DISCLAIMER;
    case note::LineUse::kFootnote:
      return v1::LINE_USE_FOOTNOTE;
    case note::LineUse::kPageDebris:
      return v1::LINE_USE_PAGE_DEBRIS;
    case note::LineUse::kIgnored:
      break;
  }
  return v1::LINE_USE_IGNORED;
}

// A UUID-shaped request id from the note's digest and what the request
// writes: the same step of the same note is always the same request.
std::string RequestIdFor(absl::string_view digest, absl::string_view what) {
  const uint64_t a = Fingerprint({digest, what});
  const uint64_t b = Fingerprint({digest, what, "outreach-import"});
  return absl::StrFormat(
      "%08x-%04x-4%03x-8%03x-%012x", static_cast<uint32_t>(a >> 32),
      static_cast<uint32_t>((a >> 16) & 0xffff),
      static_cast<uint32_t>(a & 0xfff),
      static_cast<uint32_t>((b >> 48) & 0xfff), b & 0xffffffffffffull);
}

// A conflict: a record of this import's identity holds something else.
absl::Status Conflict(const std::string& name, absl::string_view what) {
  return absl::AbortedError(absl::StrCat(
      name, " exists with other content (", what,
      "); it was not written by an import of this note. Delete or rename "
      "it, then import again"));
}

std::string ParticipationName(const std::string& event, int position) {
  return absl::StrCat(event, "/participations/p", position);
}

std::string OutcomeId(const std::string& event, int n) {
  absl::string_view id = event;
  absl::ConsumePrefix(&id, "events/");
  return absl::StrCat(id, "-o", n);
}

}  // namespace

NoteImporter::NoteImporter(BackendClients clients, DeadlineShares shares,
                           StepHook after_step)
    : clients_(clients), shares_(shares), after_step_(std::move(after_step)) {}

// What Read gathers, step by step: the note as parsed, the names to
// resolve and their answers, the groups to check, and the plan so far.
struct NoteImporter::Reading {
  explicit Reading(const CallScope& call) : scope(call) {}
  const CallScope& scope;
  ParsedNote parsed;
  Plan plan;
  // Every name, in batches of what the participants service takes at once.
  std::vector<pv::ResolveEntitiesRequest> resolve;
  int country_index = -1;
  int outcome_names_start = 0;
  std::vector<int> parts_start;
  pv::ResolveEntitiesResponse resolved;
  std::vector<PrintedGroup> groups;  // empty when nothing is to be checked
};

absl::Status NoteImporter::Begin(const v1::ImportInformationNoteRequest& req,
                                 Reading& reading) {
  const CallScope& scope = reading.scope;
  if (!req.request_id().empty() && !IsUuid(req.request_id())) {
    return InvalidField("request_id", "must be a UUID");
  }
  ParseOptions parse;
  parse.deadline = scope.deadline;
  parse.cancelled = scope.cancelled;
  auto parsed_or = ParseInformationNote(req.text(), "text", parse);
  if (!parsed_or.ok()) return parsed_or.status();
  reading.parsed = std::move(*parsed_or);
  const ParsedNote* parsed = &reading.parsed;
  // An event needs its dates: say so about the note, not about a field of
  // an event the caller never sent.
  if (!parsed->date_problem.empty()) {
    return InvalidField("text", absl::StrCat("has no date the importer could "
                                             "read: ",
                                             parsed->date_problem));
  }
  Plan& plan = reading.plan;
  v1::ImportReport& report = plan.report;
  report.set_dry_run(req.dry_run());
  report.set_note_digest(parsed->digest);
  for (const auto& w : parsed->warnings) report.add_warnings(w);
  for (const note::LineAccount& a : parsed->lines) {
    auto* line = report.add_lines();
    line->set_line(a.line);
    line->set_use(LineUseOf(a.use));
    line->set_target(a.target);
    line->set_detail(a.detail);
  }

  // Resolve every printed name, the venue's country, the outcomes'
  // addressees, and the parts of any lone "A and B", in batches.
  pv::ResolveEntitiesRequest resolve;
  *resolve.mutable_as_of() = parsed->start_date;
  auto ask = [&resolve](const std::string& name, const std::string& group) {
    auto* q = resolve.add_names();
    q->set_printed_name(name);
    q->set_printed_group(group);
    return resolve.names_size() - 1;
  };
  for (const auto& p : parsed->participants)
    ask(p.printed_name, p.printed_group);
  reading.country_index =
      parsed->country.empty() ? -1 : ask(parsed->country, "States");
  reading.outcome_names_start = resolve.names_size();
  for (const auto& o : parsed->outcomes) {
    for (const auto& a : o.addressees) ask(a, "States");
  }
  std::vector<int>& parts_start = reading.parts_start;
  parts_start.assign(parsed->participants.size(), -1);
  for (size_t i = 0; i < parsed->participants.size(); ++i) {
    const auto& p = parsed->participants[i];
    if (p.and_parts.empty()) continue;
    parts_start[i] = resolve.names_size();
    for (const auto& part : p.and_parts) ask(part, p.printed_group);
  }
  // In batches of what the participants service takes at once.
  constexpr int kResolveBatch = 1000;
  // No batch at all when the note names nobody: the service refuses an
  // empty ask (the loop below makes none).
  if (resolve.names_size() > 0 && resolve.names_size() <= kResolveBatch) {
    reading.resolve.push_back(std::move(resolve));
  } else {
    for (int from = 0; from < resolve.names_size(); from += kResolveBatch) {
      pv::ResolveEntitiesRequest& batch = reading.resolve.emplace_back();
      *batch.mutable_as_of() = resolve.as_of();
      for (int i = from; i < resolve.names_size() && i < from + kResolveBatch;
           ++i) {
        *batch.add_names() = resolve.names(i);
      }
    }
  }
  return absl::OkStatus();
}

absl::Status NoteImporter::AfterResolve(Reading& reading) {
  const ParsedNote* parsed = &reading.parsed;
  Plan& plan = reading.plan;
  v1::ImportReport& report = plan.report;
  const pv::ResolveEntitiesResponse& resolved = reading.resolved;
  const std::vector<int>& parts_start = reading.parts_start;
  int asked = 0;
  for (const auto& batch : reading.resolve) asked += batch.names_size();
  if (resolved.resolutions_size() != asked) {
    return absl::InternalError(absl::StrCat("ResolveEntities answered ",
                                            resolved.resolutions_size(), " of ",
                                            asked, " names"));
  }
  // The delegations as they will be recorded: a lone "A and B" becomes
  // two when each part names an entity and the whole does not, and the
  // report says so.
  struct Delegation {
    ParsedParticipant parsed;
    const pv::Resolution* resolution;
  };
  std::vector<Delegation> delegations;
  for (size_t i = 0; i < parsed->participants.size(); ++i) {
    const auto& p = parsed->participants[i];
    const pv::Resolution* whole = &resolved.resolutions(static_cast<int>(i));
    bool split =
        parts_start[i] >= 0 && whole->state() != pv::RESOLUTION_STATE_RESOLVED;
    for (size_t k = 0; split && k < p.and_parts.size(); ++k) {
      split =
          resolved.resolutions(parts_start[i] + static_cast<int>(k)).state() ==
          pv::RESOLUTION_STATE_RESOLVED;
    }
    if (!split) {
      delegations.push_back({p, whole});
      continue;
    }
    report.add_warnings(absl::StrCat(
        "line ", p.line, ": read \"", p.printed_name, "\" as ",
        p.and_parts.size(), " names (\"", absl::StrJoin(p.and_parts, "\", \""),
        "\"): each names an entity and the whole does not"));
    for (size_t k = 0; k < p.and_parts.size(); ++k) {
      ParsedParticipant part = p;
      part.printed_name = p.and_parts[k];
      part.note.clear();
      part.and_parts.clear();
      delegations.push_back(
          {std::move(part),
           &resolved.resolutions(parts_start[i] + static_cast<int>(k))});
    }
  }
  for (size_t i = 0; i < delegations.size(); ++i) {
    const auto& p = delegations[i].parsed;
    const auto& r = *delegations[i].resolution;
    auto* out = report.add_participations();
    out->set_printed_name(p.printed_name);
    out->set_printed_group(p.printed_group);
    out->set_position(static_cast<int>(i));
    out->set_line(p.line);
    out->set_note(p.note);
    out->set_resolution_state(r.state());
    if (r.state() == pv::RESOLUTION_STATE_RESOLVED) {
      out->set_entity(r.entity().name());
      out->set_iso_alpha2(r.entity().iso_alpha2());
    } else {
      *out->mutable_candidates() = r.candidates();
      report.add_warnings(absl::StrCat("unresolved name \"", p.printed_name,
                                       "\" (", p.printed_group, ")"));
    }
  }

  ev::Event& event = plan.event;
  event.set_title(parsed->title);
  event.set_kind(GuessKind(parsed->title));
  event.set_status(ev::EVENT_STATUS_HELD);
  if (parsed->start_date.year() != 0) {
    *event.mutable_start_date() = parsed->start_date;
    *event.mutable_end_date() = parsed->end_date;
  }
  event.mutable_venue()->set_city(parsed->city);
  report.set_printed_country(parsed->country);
  if (!parsed->country.empty()) {
    const auto& r = resolved.resolutions(reading.country_index);
    if (r.state() == pv::RESOLUTION_STATE_RESOLVED &&
        !r.entity().iso_alpha2().empty()) {
      event.mutable_venue()->set_country_code(r.entity().iso_alpha2());
    } else {
      report.add_warnings(absl::StrCat("venue country \"", parsed->country,
                                       "\" did not resolve to a State"));
    }
  }
  for (const auto& o : parsed->organizers) {
    auto* org = event.add_organizers();
    org->set_display_name(std::string(Utf8Prefix(o.printed_name, 500)));
    org->set_role(RoleOf(o.role));
  }
  for (const auto& b : parsed->background) event.add_background(b);
  for (const auto& b : parsed->objectives) event.add_objectives(b);
  for (const auto& b : parsed->highlights) event.add_highlights(b);
  for (const auto& b : parsed->additional_comments)
    event.add_additional_comments(b);
  event.set_contact_email(parsed->contact_email);

  // Outcomes read from the prose, with their addressees resolved.
  int next_name = reading.outcome_names_start;
  for (const auto& o : parsed->outcomes) {
    rv::Recommendation r;
    r.set_kind(KindOf(o.kind));
    r.set_text(std::string(Utf8Prefix(o.text, 10000)));
    for (const auto& a : o.areas) r.add_areas(a);
    for (const auto& a : o.addressees) {
      const auto& res = resolved.resolutions(next_name++);
      if (res.state() == pv::RESOLUTION_STATE_RESOLVED) {
        r.add_addressees(res.entity().name());
      } else {
        report.add_warnings(absl::StrCat("outcome addressee \"", a,
                                         "\" did not resolve; left out"));
      }
    }
    // Where it was read: the document named, and the evidence a person
    // needs to check a reading of prose.
    r.mutable_source()->set_document(o.source_document);
    r.mutable_source()->set_attachment(o.attachment);
    r.mutable_source()->set_official(o.official);
    r.mutable_source()->set_excerpt(std::string(Utf8Prefix(o.sentence, 10000)));
    r.mutable_source()->set_rule(std::string(note::OutcomeRuleName(o.rule)));
    auto* evidence = report.add_outcome_evidence();
    evidence->set_outcome(report.outcomes_size());
    evidence->set_sentence(o.sentence);
    evidence->set_rule(std::string(note::OutcomeRuleName(o.rule)));
    evidence->set_line(o.line);
    *report.add_outcomes() = std::move(r);
  }

  // Membership warnings per printed group, every group in one call.
  std::map<std::string, std::vector<std::string>> by_label;
  for (const auto& p : report.participations()) {
    if (!p.printed_group().empty())
      by_label[p.printed_group()].push_back(p.printed_name());
  }
  if (parsed->start_date.year() != 0) {
    for (auto& [label, names] : by_label) {
      reading.groups.push_back({label, std::move(names)});
    }
  }
  return absl::OkStatus();
}

void NoteImporter::AfterCheck(
    Reading& reading,
    const std::vector<pv::CheckMembershipsResponse>& checked) {
  const ParsedNote* parsed = &reading.parsed;
  Plan& plan = reading.plan;
  v1::ImportReport& report = plan.report;
  ev::Event& event = plan.event;
  const std::vector<PrintedGroup>& groups = reading.groups;
  for (size_t g = 0; g < groups.size() && g < checked.size(); ++g) {
    for (const auto& m : checked[g].mismatches()) {
      *report.add_membership_mismatches() = m;
      report.add_warnings(absl::StrCat(
          "\"", m.printed_name(), "\" is listed under \"", groups[g].label,
          "\" but was not a member of that group on ",
          FormatDateRange(parsed->start_date, parsed->start_date)));
    }
  }

  event.mutable_note_import()->set_note_digest(parsed->digest);
  event.mutable_note_import()->set_state(ev::IMPORT_STATE_IMPORTING);
  // The id is the title's slug plus the start of the note's digest: the
  // same note always maps to the same event.
  plan.base_id = absl::StrCat(Slugify(parsed->title, "", 40, "event"), "-",
                              parsed->digest.substr(0, 8));
  plan.digest = parsed->digest;
}

absl::StatusOr<NoteImporter::Plan> NoteImporter::Read(
    const CallScope& scope, const v1::ImportInformationNoteRequest& req) {
  Reading reading(scope);
  if (absl::Status s = Begin(req, reading); !s.ok()) return s;
  const CallScope resolving = ShareOf(scope, shares_.lookup);
  for (const pv::ResolveEntitiesRequest& batch : reading.resolve) {
    auto part = clients_.participants->Resolve(resolving, batch);
    if (!part.ok()) return part.status();
    for (auto& r : *part->mutable_resolutions()) {
      *reading.resolved.add_resolutions() = std::move(r);
    }
  }
  if (absl::Status s = AfterResolve(reading); !s.ok()) return s;
  std::vector<pv::CheckMembershipsResponse> checked;
  if (!reading.groups.empty()) {
    auto answers = CheckGroupMemberships(
        *clients_.participants, ShareOf(scope, shares_.lookup),
        reading.parsed.start_date, reading.groups);
    if (!answers.ok()) return answers.status();
    checked = std::move(*answers);
  }
  AfterCheck(reading, checked);
  return std::move(reading.plan);
}

ev::CreateEventRequest NoteImporter::DryRunCreate(const Plan& plan) {
  ev::CreateEventRequest create;
  *create.mutable_event() = plan.event;
  create.set_event_id(plan.base_id);
  create.set_validate_only(true);
  return create;
}

v1::ImportReport NoteImporter::DryRunReport(v1::ImportReport report,
                                            ev::Event checked) {
  *report.mutable_event() = std::move(checked);
  for (auto& o : *report.mutable_outcomes()) {
    o.set_event(report.event().name());
  }
  return report;
}

absl::StatusOr<v1::ImportReport> NoteImporter::Import(
    const CallScope& scope, const v1::ImportInformationNoteRequest& req) {
  auto plan = Read(scope, req);
  if (!plan.ok()) return plan.status();
  v1::ImportReport& report = plan->report;
  const CallScope step = ShareOf(scope, shares_.write_step);
  if (req.dry_run()) {
    auto checked = clients_.events->Create(step, DryRunCreate(*plan));
    if (!checked.ok()) return checked.status();
    return DryRunReport(std::move(report), std::move(*checked));
  }

  auto event = CreateOrConfirmEvent(step, *plan);
  if (!event.ok()) return event.status();
  After("event");
  const std::string name = event->name();
  if (event->note_import().state() == ev::IMPORT_STATE_COMPLETE) {
    // Done before: report what is stored, write nothing.
    report.set_already_imported(true);
    *report.mutable_event() = *event;
    for (auto& p : *report.mutable_participations()) {
      p.set_participation(ParticipationName(name, p.position()));
    }
    // The stored outcomes, in one listing rather than a call each.
    rv::ListRecommendationsRequest list;
    list.set_filter(absl::StrCat("event = \"", name, "\""));
    list.set_page_size(1000);
    std::map<std::string, rv::Recommendation> stored;
    do {
      auto page = clients_.recommendations->List(AsGateway(step), list);
      if (!page.ok()) break;  // the report keeps the outcomes as read
      for (auto& r : *page->mutable_recommendations()) {
        stored[r.name()] = std::move(r);
      }
      list.set_page_token(page->next_page_token());
    } while (!list.page_token().empty());
    for (int i = 0; i < report.outcomes_size(); ++i) {
      auto it =
          stored.find(absl::StrCat("recommendations/", OutcomeId(name, i + 1)));
      if (it != stored.end()) *report.mutable_outcomes(i) = it->second;
    }
    return std::move(report);
  }
  if (absl::Status s = CreateOrConfirmParticipations(step, *plan, name, report);
      !s.ok()) {
    return s;
  }
  After("participations");
  if (absl::Status s = CreateOrConfirmOutcomes(step, *plan, name, report);
      !s.ok()) {
    return s;
  }
  auto complete = MarkComplete(step, name);
  if (!complete.ok()) return complete.status();
  After("complete");
  *report.mutable_event() = std::move(*complete);
  return std::move(report);
}

absl::StatusOr<ev::Event> NoteImporter::CreateOrConfirmEvent(
    const CallScope& scope, Plan& plan) {
  // The note's id, or the next one when an earlier event of this note was
  // deleted (its id is never reused).
  for (int n = 1; n <= 100; ++n) {
    const std::string id =
        n == 1 ? plan.base_id : absl::StrCat(plan.base_id, "-", n);
    const std::string name = absl::StrCat("events/", id);
    // Read first: an event already there is confirmed (and its import
    // resumed), not created again.
    auto existing = clients_.events->Get(scope, name);
    if (!existing.ok() &&
        existing.status().code() == absl::StatusCode::kNotFound) {
      ev::CreateEventRequest create;
      *create.mutable_event() = plan.event;
      create.set_event_id(id);
      create.set_request_id(RequestIdFor(plan.digest, name));
      existing = clients_.events->Create(scope, create);
      if (existing.ok()) {
        // Created now, or by a concurrent run of this import (the request
        // id was replayed).
        if (existing->note_import().note_digest() != plan.digest) {
          return Conflict(existing->name(), "another note's event");
        }
        return existing;
      }
      if (existing.status().code() != absl::StatusCode::kAlreadyExists) {
        return existing.status();
      }
      // Created by someone else since, or the id of a deleted event.
      existing = clients_.events->Get(scope, name);
    }
    if (existing.ok()) {
      if (existing->note_import().note_digest() != plan.digest) {
        return Conflict(existing->name(),
                        "an event that is not this note's import");
      }
      if (existing->note_import().state() != ev::IMPORT_STATE_COMPLETE) {
        plan.report.set_resumed(true);
        plan.report.add_warnings(absl::StrCat(
            "continued the import of ", existing->name(),
            ", which an earlier or concurrent attempt had begun and not "
            "finished"));
      }
      return existing;
    }
    if (existing.status().code() != absl::StatusCode::kNotFound) {
      return existing.status();
    }
    // Taken yet not there: the id of a deleted event. Try the next.
  }
  return absl::FailedPreconditionError(
      absl::StrCat("events/", plan.base_id,
                   " and 99 ids after it belong to deleted events"));
}

absl::Status NoteImporter::CreateOrConfirmParticipations(
    const CallScope& scope, const Plan& plan, const std::string& event,
    v1::ImportReport& report) {
  if (report.participations_size() == 0) return absl::OkStatus();
  pv::BatchCreateParticipationsRequest batch;
  batch.set_parent(event);
  batch.set_request_id(
      RequestIdFor(plan.digest, absl::StrCat("participations/", event)));
  for (const auto& p : report.participations()) {
    auto* r = batch.add_requests();
    r->set_participation_id(absl::StrCat("p", p.position()));
    auto* part = r->mutable_participation();
    part->set_printed_name(p.printed_name());
    part->set_printed_group(p.printed_group());
    part->set_position(p.position());
    part->set_entity(p.entity());
    part->set_notes(p.note());
    part->set_role(pv::PARTICIPATION_ROLE_PARTICIPANT);
  }
  auto made = clients_.participants->BatchCreateParticipations(scope, batch);
  if (!made.ok() && made.status().code() != absl::StatusCode::kAlreadyExists) {
    return made.status();
  }
  if (!made.ok()) {
    // Some exist (the batch is all or none): confirm that each is what this
    // import would write, and create the rest one by one, with ids of their
    // own so that retries replay.
    pv::ListParticipationsRequest list;
    list.set_parent(event);
    list.set_page_size(1000);
    std::map<std::string, pv::Participation> stored;
    do {
      auto page = clients_.participants->ListParticipations(scope, list);
      if (!page.ok()) return page.status();
      for (const auto& p : page->participations()) stored[p.name()] = p;
      list.set_page_token(page->next_page_token());
    } while (!list.page_token().empty());
    for (int i = 0; i < batch.requests_size(); ++i) {
      const auto& want = batch.requests(i).participation();
      const std::string name = ParticipationName(event, want.position());
      auto it = stored.find(name);
      if (it == stored.end()) {
        pv::BatchCreateParticipationsRequest one;
        one.set_parent(event);
        one.set_request_id(RequestIdFor(plan.digest, name));
        *one.add_requests() = batch.requests(i);
        auto created =
            clients_.participants->BatchCreateParticipations(scope, one);
        if (!created.ok()) return created.status();
        continue;
      }
      const auto& got = it->second;
      if (got.printed_name() != want.printed_name() ||
          got.printed_group() != want.printed_group() ||
          got.entity() != want.entity()) {
        return Conflict(name, absl::StrCat("\"", got.printed_name(),
                                           "\" where the note has \"",
                                           want.printed_name(), "\""));
      }
    }
  }
  for (auto& p : *report.mutable_participations()) {
    p.set_participation(ParticipationName(event, p.position()));
  }
  return absl::OkStatus();
}

absl::Status NoteImporter::CreateOrConfirmOutcomes(const CallScope& scope,
                                                   const Plan& plan,
                                                   const std::string& event,
                                                   v1::ImportReport& report) {
  for (int i = 0; i < report.outcomes_size(); ++i) {
    rv::CreateRecommendationRequest r;
    *r.mutable_recommendation() = report.outcomes(i);
    r.mutable_recommendation()->set_event(event);
    r.set_recommendation_id(OutcomeId(event, i + 1));
    r.set_request_id(RequestIdFor(plan.digest, r.recommendation_id()));
    r.set_actor("information note import");
    auto made = clients_.recommendations->Create(scope, r);
    if (!made.ok() &&
        made.status().code() == absl::StatusCode::kAlreadyExists) {
      made = clients_.recommendations->Get(
          AsGateway(scope),
          absl::StrCat("recommendations/", r.recommendation_id()));
      if (made.ok() && (made->kind() != r.recommendation().kind() ||
                        made->text() != r.recommendation().text() ||
                        made->event() != event)) {
        return Conflict(made->name(), "another outcome's text");
      }
    }
    if (!made.ok()) return made.status();
    *report.mutable_outcomes(i) = std::move(*made);
    After(absl::StrCat("outcome-", i + 1));
  }
  return absl::OkStatus();
}

absl::StatusOr<ev::Event> NoteImporter::MarkComplete(const CallScope& scope,
                                                     const std::string& event) {
  ev::UpdateEventRequest update;
  update.mutable_event()->set_name(event);
  update.mutable_event()->mutable_note_import()->set_state(
      ev::IMPORT_STATE_COMPLETE);
  update.mutable_update_mask()->add_paths("note_import.state");
  // Setting a state outright is idempotent; concurrent imports of the same
  // note may race here, and a lost race (ABORTED) is tried again.
  absl::StatusOr<ev::Event> done;
  for (int attempt = 0; attempt < 5; ++attempt) {
    done = clients_.events->Update(scope, update);
    if (done.status().code() != absl::StatusCode::kAborted) break;
    auto now = clients_.events->Get(scope, event);
    if (now.ok() && now->note_import().state() == ev::IMPORT_STATE_COMPLETE) {
      return now;
    }
  }
  return done;
}

}  // namespace outreach::gateway
