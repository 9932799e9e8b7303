#include "services/gateway/gateway_manager.h"

#include <algorithm>
#include <future>
#include <map>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/text/utf8.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/resource/resource_ids.h"
#include "common/status/status_util.h"
#include "google/protobuf/util/json_util.h"
#include "services/gateway/note_parser.h"
#include "services/gateway/note_renderer.h"

namespace outreach::gateway {
namespace {

namespace ev = ::outreach::events::v1;
namespace pv = ::outreach::participants::v1;
namespace rv = ::outreach::recommendations::v1;

// The share of the remaining deadline one step of a composite call gets.
CallScope Share(const CallScope& scope, double fraction) {
  if (scope.deadline == absl::InfiniteFuture()) return scope;
  CallScope out = scope;
  const absl::Duration left = scope.deadline - absl::Now();
  out.deadline = absl::Now() + left * fraction;
  return out;
}

absl::StatusOr<std::string> EventId(absl::string_view name) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, "events/") || !IsValidId(id)) {
    return InvalidField("event", "is not of the form events/{event_id}");
  }
  return std::string(id);
}

// The country's name for a reader: "Republic of Moldova" rather than ISO's
// "Moldova, Republic of".
std::string CountryName(const CountryRegistry& countries,
                        const std::string& code) {
  const Country* c = countries.FindByAlpha2(code);
  if (c == nullptr) return code;
  const std::string& name = c->common_name.empty() ? c->name : c->common_name;
  const size_t comma = name.find(", ");
  if (comma == std::string::npos) return name;
  return absl::StrCat(name.substr(comma + 2), " ", name.substr(0, comma));
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

OrganizerRole RoleFrom(ev::OrganizerRole role) {
  switch (role) {
    case ev::ORGANIZER_ROLE_HOST:
      return OrganizerRole::kHost;
    case ev::ORGANIZER_ROLE_SUPPORTER:
      return OrganizerRole::kSupporter;
    default:
      return OrganizerRole::kCoOrganizer;
  }
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
    case note::LineUse::kBlank: return v1::LINE_USE_BLANK;
    case note::LineUse::kHeading: return v1::LINE_USE_HEADING;
    case note::LineUse::kHeaderLabel: return v1::LINE_USE_HEADER_LABEL;
    case note::LineUse::kHeaderRow: return v1::LINE_USE_HEADER_ROW;
    case note::LineUse::kHeaderValue: return v1::LINE_USE_HEADER_VALUE;
    case note::LineUse::kParticipantGroup:
      return v1::LINE_USE_PARTICIPANT_GROUP;
    case note::LineUse::kParticipants: return v1::LINE_USE_PARTICIPANTS;
    case note::LineUse::kSectionHeading: return v1::LINE_USE_SECTION_HEADING;
    case note::LineUse::kSectionText: return v1::LINE_USE_SECTION_TEXT;
    case note::LineUse::kContact: return v1::LINE_USE_CONTACT;
    case note::LineUse::kDisclaimer: return v1::LINE_USE_DISCLAIMER;
    case note::LineUse::kFootnote: return v1::LINE_USE_FOOTNOTE;
    case note::LineUse::kPageDebris: return v1::LINE_USE_PAGE_DEBRIS;
    case note::LineUse::kIgnored: break;
  }
  return v1::LINE_USE_IGNORED;
}

// A UUID-shaped id from the note's content, so a re-import is the same
// request to the events service.
std::string ContentRequestId(absl::string_view text) {
  const uint64_t a = Fingerprint({text});
  const uint64_t b = Fingerprint({text, "outreach-import"});
  return absl::StrFormat(
      "%08x-%04x-4%03x-8%03x-%012x", static_cast<uint32_t>(a >> 32),
      static_cast<uint32_t>((a >> 16) & 0xffff),
      static_cast<uint32_t>(a & 0xfff),
      static_cast<uint32_t>((b >> 48) & 0xfff), b & 0xffffffffffffull);
}

ParsedNote ToView(const v1::InformationNote& note,
                  const CountryRegistry& countries) {
  ParsedNote view;
  const ev::Event& e = note.event();
  view.title = e.title();
  view.start_date = e.start_date();
  view.end_date = e.end_date();
  view.city = e.venue().city();
  if (!e.venue().country_code().empty()) {
    view.country = CountryName(countries, e.venue().country_code());
  }
  for (const auto& o : e.organizers()) {
    view.organizers.push_back({o.display_name(), RoleFrom(o.role())});
  }
  for (const auto& g : note.participant_groups()) {
    for (const auto& p : g.participations()) {
      ParsedParticipant v;
      v.printed_name = p.printed_name();
      v.printed_group = g.printed_group();
      v.position = p.position();
      view.participants.push_back(std::move(v));
    }
  }
  view.background.assign(e.background().begin(), e.background().end());
  view.objectives.assign(e.objectives().begin(), e.objectives().end());
  view.highlights.assign(e.highlights().begin(), e.highlights().end());
  view.additional_comments.assign(e.additional_comments().begin(),
                                  e.additional_comments().end());
  view.contact_email = e.contact_email();
  return view;
}

}  // namespace

GatewayManager::GatewayManager(Backends backends, const CallPolicy* policy,
                               ThreadPool* fanout,
                               const CountryRegistry* countries, Cache* cache,
                               WriteGeneration* generation,
                               absl::Duration cache_ttl)
    : backends_(backends),
      policy_(policy),
      fanout_(fanout),
      countries_(countries),
      cache_(cache),
      generation_(generation),
      cache_ttl_(cache_ttl) {}

template <typename Response>
absl::StatusOr<Response> GatewayManager::Cached(
    absl::string_view method, const google::protobuf::Message& request,
    const std::function<absl::StatusOr<Response>()>& compute) {
  std::string key;
  if (cache_ != nullptr && generation_ != nullptr) {
    auto generation = generation_->Current();
    if (generation.ok()) {
      key =
          absl::StrCat("outreach:gateway:v1:", method, ":", *generation, ":",
                       absl::WebSafeBase64Escape(DeterministicBytes(request)));
      auto hit = cache_->GetRaw(key);
      Response cached;
      if (hit.ok() && hit->has_value() && cached.ParseFromString(**hit)) {
        return cached;
      }
    }
  }
  auto result = compute();
  if (result.ok() && !key.empty() && !result->partial()) {
    cache_->SetRaw(key, result->SerializeAsString(), cache_ttl_).IgnoreError();
  }
  return result;
}

absl::StatusOr<v1::InformationNote> GatewayManager::GetInformationNote(
    const CallScope& scope, const v1::GetInformationNoteRequest& req) {
  return Cached<v1::InformationNote>("note", req,
                                     [&] { return ComputeNote(scope, req); });
}

absl::StatusOr<v1::RenderedNote> GatewayManager::RenderInformationNote(
    const CallScope& scope, const v1::RenderInformationNoteRequest& req) {
  return Cached<v1::RenderedNote>("render", req,
                                  [&] { return ComputeRendered(scope, req); });
}

absl::StatusOr<v1::StateProfile> GatewayManager::GetStateProfile(
    const CallScope& scope, const v1::GetStateProfileRequest& req) {
  return Cached<v1::StateProfile>("profile", req,
                                  [&] { return ComputeProfile(scope, req); });
}

absl::StatusOr<v1::Dashboard> GatewayManager::GetDashboard(
    const CallScope& scope, const v1::GetDashboardRequest& req) {
  return Cached<v1::Dashboard>("dashboard", req,
                               [&] { return ComputeDashboard(scope, req); });
}

absl::StatusOr<v1::InformationNote> GatewayManager::ComputeNote(
    const CallScope& scope, const v1::GetInformationNoteRequest& req) {
  auto id = EventId(req.event());
  if (!id.ok()) return id.status();
  v1::InformationNote note;
  // Everything that needs only the event's name goes out at once: the
  // event, its participations and its outcomes. The note then waits for
  // the slowest of them, not for their sum (docs/performance.md).
  const CallScope rest = Share(scope, 0.9);
  auto event = fanout_->Submit([&] {
    ev::Event out;
    absl::Status st = policy_->Run(rest, [&](grpc::ClientContext& c) {
      ev::GetEventRequest r;
      r.set_name(req.event());
      return FromGrpcStatus(backends_.events->GetEvent(&c, r, &out));
    });
    return st.ok() ? absl::StatusOr<ev::Event>(std::move(out))
                   : absl::StatusOr<ev::Event>(st);
  });
  auto participations = fanout_->Submit([&] {
    return AllParticipations(rest, req.event(), "");
  });
  auto outcomes = fanout_->Submit([&] {
    return AllOutcomes(rest, absl::StrCat("event = \"", req.event(), "\""));
  });

  // The event is required.
  auto got = event.get();
  if (!got.ok()) {
    // The other branches refer to this frame: they must end before it does
    // (a pool's future, unlike std::async's, does not wait when destroyed).
    participations.wait();
    outcomes.wait();
    return got.status();
  }
  *note.mutable_event() = std::move(*got);

  auto parts = participations.get();
  if (parts.ok()) {
    std::sort(parts->begin(), parts->end(), [](const auto& a, const auto& b) {
      return a.position() < b.position();
    });
    for (const auto& p : *parts) {
      if (note.participant_groups_size() == 0 ||
          note.participant_groups(note.participant_groups_size() - 1)
                  .printed_group() != p.printed_group()) {
        note.add_participant_groups()->set_printed_group(p.printed_group());
      }
      *note.mutable_participant_groups(note.participant_groups_size() - 1)
           ->add_participations() = p;
    }
    // Membership warnings per printed group, on the event's first day: one
    // call per group, all in parallel, collected in the groups' order.
    std::vector<std::future<absl::StatusOr<pv::CheckMembershipsResponse>>>
        checks;
    for (const auto& g : note.participant_groups()) {
      if (g.printed_group().empty()) continue;
      pv::CheckMembershipsRequest r;
      r.set_printed_group(g.printed_group());
      *r.mutable_as_of() = note.event().start_date();
      for (const auto& p : g.participations())
        r.add_printed_names(p.printed_name());
      checks.push_back(fanout_->Submit(
          [this, &rest, r = std::move(r)]()
              -> absl::StatusOr<pv::CheckMembershipsResponse> {
            pv::CheckMembershipsResponse resp;
            absl::Status st = policy_->Run(rest, [&](grpc::ClientContext& c) {
              return FromGrpcStatus(
                  backends_.participants->CheckMemberships(&c, r, &resp));
            });
            if (!st.ok()) return st;
            return resp;
          }));
    }
    bool complete = true;
    for (auto& check : checks) {
      auto resp = check.get();
      if (!resp.ok()) {
        complete = false;
        continue;
      }
      for (const auto& m : resp->mismatches())
        *note.add_membership_warnings() = m;
    }
    if (!complete) {
      note.set_partial(true);
      note.add_missing_parts("membership_warnings");
    }
  } else {
    note.set_partial(true);
    note.add_missing_parts("participants");
  }
  auto outs = outcomes.get();
  if (outs.ok()) {
    for (auto& o : *outs) *note.add_outcomes() = std::move(o);
  } else {
    note.set_partial(true);
    note.add_missing_parts("outcomes");
  }
  return note;
}

absl::StatusOr<v1::RenderedNote> GatewayManager::ComputeRendered(
    const CallScope& scope, const v1::RenderInformationNoteRequest& req) {
  if (!v1::NoteFormat_IsValid(req.format())) {
    return InvalidField("format", "is not a known format");
  }
  v1::GetInformationNoteRequest get;
  get.set_event(req.event());
  auto note = ComputeNote(scope, get);
  if (!note.ok()) return note.status();
  v1::RenderedNote out;
  out.set_partial(note->partial());
  const ParsedNote view = ToView(*note, *countries_);
  switch (req.format()) {
    case v1::NOTE_FORMAT_MARKDOWN:
      out.set_content_type("text/markdown; charset=utf-8");
      out.set_content(RenderMarkdown(view));
      break;
    case v1::NOTE_FORMAT_HTML:
      out.set_content_type("text/html; charset=utf-8");
      out.set_content(RenderHtml(view));
      break;
    case v1::NOTE_FORMAT_JSON: {
      google::protobuf::util::JsonPrintOptions options;
      options.add_whitespace = true;
      std::string json;
      if (auto st = google::protobuf::util::MessageToJsonString(*note, &json,
                                                                options);
          !st.ok()) {
        return absl::InternalError(std::string(st.message()));
      }
      out.set_content_type("application/json");
      out.set_content(std::move(json));
      break;
    }
    default:
      out.set_content_type("text/plain; charset=utf-8");
      out.set_content(RenderText(view));
      break;
  }
  out.set_format(req.format() == v1::NOTE_FORMAT_UNSPECIFIED
                     ? v1::NOTE_FORMAT_TEXT
                     : req.format());
  return out;
}

absl::StatusOr<v1::ImportReport> GatewayManager::ImportInformationNote(
    const CallScope& scope, const v1::ImportInformationNoteRequest& req) {
  if (!req.request_id().empty() && !IsUuid(req.request_id())) {
    return InvalidField("request_id", "must be a UUID");
  }
  ParseOptions parse;
  parse.deadline = scope.deadline;
  parse.cancelled = scope.cancelled;
  auto parsed = ParseInformationNote(req.text(), "text", parse);
  if (!parsed.ok()) return parsed.status();
  // An event needs its dates: say so about the note, not about a field of
  // an event the caller never sent.
  if (!parsed->date_problem.empty()) {
    return InvalidField("text", absl::StrCat("has no date the importer could "
                                             "read: ",
                                             parsed->date_problem));
  }
  v1::ImportReport report;
  report.set_dry_run(req.dry_run());
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
  for (const auto& p : parsed->participants) ask(p.printed_name, p.printed_group);
  const int country_index =
      parsed->country.empty() ? -1 : ask(parsed->country, "States");
  const int outcome_names_start = resolve.names_size();
  for (const auto& o : parsed->outcomes) {
    for (const auto& a : o.addressees) ask(a, "States");
  }
  std::vector<int> parts_start(parsed->participants.size(), -1);
  for (size_t i = 0; i < parsed->participants.size(); ++i) {
    const auto& p = parsed->participants[i];
    if (p.and_parts.empty()) continue;
    parts_start[i] = resolve.names_size();
    for (const auto& part : p.and_parts) ask(part, p.printed_group);
  }
  // In batches of what the participants service takes at once.
  constexpr int kResolveBatch = 1000;
  pv::ResolveEntitiesResponse resolved;
  const CallScope resolving = Share(scope, 0.3);
  for (int from = 0; from < resolve.names_size(); from += kResolveBatch) {
    pv::ResolveEntitiesRequest batch;
    *batch.mutable_as_of() = resolve.as_of();
    for (int i = from; i < resolve.names_size() && i < from + kResolveBatch;
         ++i) {
      *batch.add_names() = resolve.names(i);
    }
    pv::ResolveEntitiesResponse part;
    absl::Status s = policy_->Run(resolving, [&](grpc::ClientContext& c) {
      return FromGrpcStatus(
          backends_.participants->ResolveEntities(&c, batch, &part));
    });
    if (!s.ok()) return s;
    for (auto& r : *part.mutable_resolutions()) {
      *resolved.add_resolutions() = std::move(r);
    }
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
    bool split = parts_start[i] >= 0 &&
                 whole->state() != pv::RESOLUTION_STATE_RESOLVED;
    for (size_t k = 0; split && k < p.and_parts.size(); ++k) {
      split = resolved.resolutions(parts_start[i] + static_cast<int>(k))
                  .state() == pv::RESOLUTION_STATE_RESOLVED;
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

  ev::Event event;
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
    const auto& r = resolved.resolutions(country_index);
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
  int next_name = outcome_names_start;
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

  // Membership warnings per printed group.
  std::map<std::string, std::vector<std::string>> groups;
  for (const auto& p : report.participations()) {
    if (!p.printed_group().empty())
      groups[p.printed_group()].push_back(p.printed_name());
  }
  for (const auto& [label, names] : groups) {
    if (parsed->start_date.year() == 0) break;
    pv::CheckMembershipsRequest r;
    r.set_printed_group(label);
    *r.mutable_as_of() = parsed->start_date;
    for (const auto& n : names) r.add_printed_names(n);
    pv::CheckMembershipsResponse resp;
    absl::Status s =
        policy_->Run(Share(scope, 0.3), [&](grpc::ClientContext& c) {
          return FromGrpcStatus(
              backends_.participants->CheckMemberships(&c, r, &resp));
        });
    if (!s.ok()) return s;
    for (const auto& m : resp.mismatches()) {
      *report.add_membership_mismatches() = m;
      report.add_warnings(absl::StrCat(
          "\"", m.printed_name(), "\" is listed under \"", label,
          "\" but was not a member of that group on ",
          FormatDateRange(parsed->start_date, parsed->start_date)));
    }
  }

  // The id is the title's slug plus a hash of the note: the same note
  // always maps to the same event.
  const std::string event_id = absl::StrCat(
      Slugify(parsed->title, "", 40, "event"), "-",
      absl::StrFormat("%08x",
                      static_cast<uint32_t>(Fingerprint({req.text()}))));
  ev::CreateEventRequest create;
  *create.mutable_event() = event;
  create.set_event_id(event_id);
  create.set_request_id(ContentRequestId(req.text()));
  create.set_validate_only(req.dry_run());

  // Already imported? Then report what is there and create nothing.
  if (!req.dry_run()) {
    ev::Event existing;
    absl::Status found =
        policy_->Run(Share(scope, 0.3), [&](grpc::ClientContext& c) {
          ev::GetEventRequest r;
          r.set_name(absl::StrCat("events/", event_id));
          return FromGrpcStatus(backends_.events->GetEvent(&c, r, &existing));
        });
    if (found.ok()) {
      report.set_already_imported(true);
      *report.mutable_event() = existing;
      auto stored = AllOutcomes(
          Share(scope, 0.5), absl::StrCat("event = \"", existing.name(), "\""));
      report.clear_outcomes();
      if (stored.ok()) {
        for (auto& o : *stored) *report.add_outcomes() = std::move(o);
      }
      for (auto& p : *report.mutable_participations()) {
        p.set_participation(absl::StrCat("events/", event_id,
                                         "/participations/p", p.position()));
      }
      return report;
    }
    if (found.code() != absl::StatusCode::kNotFound) return found;
  }

  ev::Event created;
  absl::Status s = policy_->Run(Share(scope, 0.4), [&](grpc::ClientContext& c) {
    return FromGrpcStatus(backends_.events->CreateEvent(&c, create, &created));
  });
  if (!s.ok()) return s;
  *report.mutable_event() = created;
  for (auto& o : *report.mutable_outcomes()) o.set_event(created.name());
  if (req.dry_run()) return report;

  pv::BatchCreateParticipationsRequest batch;
  batch.set_parent(created.name());
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
  pv::BatchCreateParticipationsResponse made;
  if (batch.requests_size() > 0) {
    s = policy_->Run(Share(scope, 0.6), [&](grpc::ClientContext& c) {
      return FromGrpcStatus(
          backends_.participants->BatchCreateParticipations(&c, batch, &made));
    });
    if (!s.ok()) return Undo(scope, s, created.name(), {}, {});
  }
  std::vector<std::string> created_outcomes;
  for (int i = 0; i < report.outcomes_size(); ++i) {
    rv::CreateRecommendationRequest r;
    *r.mutable_recommendation() = report.outcomes(i);
    r.set_recommendation_id(absl::StrCat(event_id, "-o", i + 1));
    r.set_actor("information note import");
    rv::Recommendation out;
    s = policy_->Run(Share(scope, 0.8), [&](grpc::ClientContext& c) {
      return FromGrpcStatus(
          backends_.recommendations->CreateRecommendation(&c, r, &out));
    });
    if (!s.ok()) {
      std::vector<std::string> parts;
      for (const auto& p : made.participations()) parts.push_back(p.name());
      return Undo(scope, s, created.name(), parts, created_outcomes);
    }
    created_outcomes.push_back(out.name());
    *report.mutable_outcomes(i) = std::move(out);
  }
  for (int i = 0; i < made.participations_size(); ++i) {
    report.mutable_participations(i)->set_participation(
        made.participations(i).name());
  }
  return report;
}

absl::StatusOr<std::vector<pv::Participation>>
GatewayManager::AllParticipations(const CallScope& scope,
                                  const std::string& parent,
                                  const std::string& filter) {
  std::vector<pv::Participation> all;
  pv::ListParticipationsRequest r;
  r.set_parent(parent);
  r.set_filter(filter);
  r.set_page_size(1000);
  do {
    pv::ListParticipationsResponse page;
    absl::Status st = policy_->Run(scope, [&](grpc::ClientContext& c) {
      return FromGrpcStatus(
          backends_.participants->ListParticipations(&c, r, &page));
    });
    if (!st.ok()) return st;
    all.insert(all.end(), page.participations().begin(),
               page.participations().end());
    r.set_page_token(page.next_page_token());
  } while (!r.page_token().empty());
  return all;
}

absl::StatusOr<std::vector<rv::Recommendation>> GatewayManager::AllOutcomes(
    const CallScope& scope, const std::string& filter) {
  std::vector<rv::Recommendation> all;
  rv::ListRecommendationsRequest r;
  r.set_filter(filter);
  r.set_page_size(1000);
  do {
    rv::ListRecommendationsResponse page;
    absl::Status st = policy_->Run(scope, [&](grpc::ClientContext& c) {
      return FromGrpcStatus(
          backends_.recommendations->ListRecommendations(&c, r, &page));
    });
    if (!st.ok()) return st;
    all.insert(all.end(), page.recommendations().begin(),
               page.recommendations().end());
    r.set_page_token(page.next_page_token());
  } while (!r.page_token().empty());
  return all;
}

absl::StatusOr<ev::ListEventsResponse> GatewayManager::ListEvents(
    const CallScope& scope, const ev::ListEventsRequest& req) {
  ev::ListEventsResponse out;
  absl::Status s = policy_->Run(scope, [&](grpc::ClientContext& c) {
    return FromGrpcStatus(backends_.events->ListEvents(&c, req, &out));
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status GatewayManager::Undo(
    const CallScope& scope, absl::Status failure, const std::string& event,
    const std::vector<std::string>& participations,
    const std::vector<std::string>& outcomes) {
  // No half-import: take back what this import created, newest first. The
  // caller's deadline may be spent, so the clean-up has its own budget.
  CallScope cleanup;
  cleanup.request_id = scope.request_id;
  cleanup.deadline = absl::Now() + absl::Seconds(5);
  std::vector<std::string> left;
  for (auto it = outcomes.rbegin(); it != outcomes.rend(); ++it) {
    absl::Status st = policy_->Run(cleanup, [&](grpc::ClientContext& c) {
      rv::DeleteRecommendationRequest del;
      del.set_name(*it);
      google::protobuf::Empty empty;
      return FromGrpcStatus(
          backends_.recommendations->DeleteRecommendation(&c, del, &empty));
    });
    if (!st.ok()) left.push_back(*it);
  }
  for (const auto& p : participations) {
    absl::Status st = policy_->Run(cleanup, [&](grpc::ClientContext& c) {
      pv::DeleteParticipationRequest del;
      del.set_name(p);
      google::protobuf::Empty empty;
      return FromGrpcStatus(
          backends_.participants->DeleteParticipation(&c, del, &empty));
    });
    if (!st.ok()) left.push_back(p);
  }
  absl::Status st = policy_->Run(cleanup, [&](grpc::ClientContext& c) {
    ev::DeleteEventRequest del;
    del.set_name(event);
    google::protobuf::Empty empty;
    return FromGrpcStatus(backends_.events->DeleteEvent(&c, del, &empty));
  });
  if (!st.ok()) left.push_back(event);
  if (!left.empty()) {
    return absl::Status(
        failure.code(),
        absl::StrCat(failure.message(),
                     "; could not remove what this import created: ",
                     absl::StrJoin(left, ", ")));
  }
  return absl::Status(failure.code(), absl::StrCat(failure.message(),
                                                   " (nothing was imported)"));
}

absl::StatusOr<v1::StateProfile> GatewayManager::ComputeProfile(
    const CallScope& scope, const v1::GetStateProfileRequest& req) {
  if (absl::StripAsciiWhitespace(req.entity()).empty()) {
    return InvalidField("entity", "is required: entities/{id} or a name");
  }
  v1::StateProfile profile;
  std::string name = req.entity();
  if (!absl::StartsWith(name, "entities/")) {
    pv::ResolveEntitiesRequest r;
    r.add_names()->set_printed_name(req.entity());
    pv::ResolveEntitiesResponse resp;
    absl::Status s =
        policy_->Run(Share(scope, 0.3), [&](grpc::ClientContext& c) {
          return FromGrpcStatus(
              backends_.participants->ResolveEntities(&c, r, &resp));
        });
    if (!s.ok()) return s;
    if (resp.resolutions(0).state() != pv::RESOLUTION_STATE_RESOLVED) {
      std::vector<std::string> candidates;
      for (const auto& c : resp.resolutions(0).candidates()) {
        candidates.push_back(c.display_name());
      }
      return absl::NotFoundError(
          absl::StrCat("no entity is named \"", req.entity(), "\"",
                       candidates.empty() ? "" : "; did you mean: ",
                       absl::StrJoin(candidates, ", ")));
    }
    name = resp.resolutions(0).entity().name();
  }
  absl::Status s = policy_->Run(Share(scope, 0.3), [&](grpc::ClientContext& c) {
    pv::GetEntityRequest r;
    r.set_name(name);
    return FromGrpcStatus(
        backends_.participants->GetEntity(&c, r, profile.mutable_entity()));
  });
  if (!s.ok()) return s;

  const CallScope rest = Share(scope, 0.9);
  auto outcomes = fanout_->Submit([&] {
    return AllOutcomes(rest, absl::StrCat("addressee = \"", name, "\""));
  });
  auto parts = AllParticipations(rest, "events/-",
                                 absl::StrCat("entity = \"", name, "\""));
  if (parts.ok()) {
    std::map<std::string, v1::AttendedEvent> by_event;
    for (const auto& p : *parts) {
      const std::string event =
          p.name().substr(0, p.name().find("/participations/"));
      *by_event[event].add_participations() = p;
    }
    for (auto& [event, attended] : by_event) {
      absl::Status st = policy_->Run(rest, [&](grpc::ClientContext& c) {
        ev::GetEventRequest r;
        r.set_name(event);
        return FromGrpcStatus(
            backends_.events->GetEvent(&c, r, attended.mutable_event()));
      });
      if (!st.ok()) {
        if (st.code() == absl::StatusCode::kNotFound)
          continue;  // deleted since
        profile.set_partial(true);
        profile.add_missing_parts("events");
        break;
      }
      *profile.add_events() = attended;
    }
    std::sort(profile.mutable_events()->begin(),
              profile.mutable_events()->end(),
              [](const v1::AttendedEvent& a, const v1::AttendedEvent& b) {
                const auto& x = a.event().start_date();
                const auto& y = b.event().start_date();
                return std::make_tuple(x.year(), x.month(), x.day()) <
                       std::make_tuple(y.year(), y.month(), y.day());
              });
  } else {
    profile.set_partial(true);
    profile.add_missing_parts("participations");
  }
  auto outs = outcomes.get();
  if (outs.ok()) {
    for (const auto& o : *outs) {
      *profile.add_outcomes() = o;
      if (o.kind() == rv::RECOMMENDATION_KIND_FOLLOW_UP &&
          o.status() != rv::RECOMMENDATION_STATUS_DONE &&
          o.status() != rv::RECOMMENDATION_STATUS_DROPPED) {
        *profile.add_open_follow_ups() = o;
      }
    }
  } else {
    profile.set_partial(true);
    profile.add_missing_parts("outcomes");
  }
  return profile;
}

namespace {

void AddCounts(const std::map<std::string, int64_t>& counts,
               google::protobuf::RepeatedPtrField<v1::Count>* out) {
  std::vector<std::pair<std::string, int64_t>> sorted(counts.begin(),
                                                      counts.end());
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [key, n] : sorted) {
    auto* c = out->Add();
    c->set_key(key);
    c->set_count(n);
  }
}

}  // namespace

absl::StatusOr<v1::Dashboard> GatewayManager::ComputeDashboard(
    const CallScope& scope, const v1::GetDashboardRequest& req) {
  std::vector<ev::Event> events;
  ev::ListEventsRequest list;
  list.set_filter(req.filter());
  list.set_page_size(1000);
  const CallScope first = Share(scope, 0.5);
  do {
    ev::ListEventsResponse page;
    absl::Status s = policy_->Run(first, [&](grpc::ClientContext& c) {
      return FromGrpcStatus(backends_.events->ListEvents(&c, list, &page));
    });
    if (!s.ok()) return s;
    events.insert(events.end(), page.events().begin(), page.events().end());
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());

  v1::Dashboard d;
  d.set_event_count(static_cast<int64_t>(events.size()));
  std::map<std::string, int64_t> by_year, by_kind, by_country;
  absl::flat_hash_set<std::string> names;
  for (const auto& e : events) {
    names.insert(e.name());
    ++by_year[absl::StrCat(e.start_date().year())];
    ++by_kind[ev::EventKind_Name(e.kind())];
    if (!e.venue().country_code().empty())
      ++by_country[e.venue().country_code()];
  }
  AddCounts(by_year, d.mutable_events_by_year());
  AddCounts(by_kind, d.mutable_events_by_kind());
  AddCounts(by_country, d.mutable_events_by_country());

  const CallScope rest = Share(scope, 0.9);
  auto outcomes =
      fanout_->Submit([&] { return AllOutcomes(rest, ""); });
  auto parts = AllParticipations(rest, "events/-", "");
  if (parts.ok()) {
    std::map<std::string, int64_t> by_entity;
    for (const auto& p : *parts) {
      const std::string event =
          p.name().substr(0, p.name().find("/participations/"));
      if (names.contains(event) && !p.entity().empty()) ++by_entity[p.entity()];
    }
    AddCounts(by_entity, d.mutable_participations_by_entity());
  } else {
    d.set_partial(true);
    d.add_missing_parts("participations");
  }
  auto outs = outcomes.get();
  if (outs.ok()) {
    std::map<std::string, int64_t> by_area, by_status;
    for (const auto& o : *outs) {
      if (!names.contains(o.event())) continue;
      for (const auto& a : o.areas()) ++by_area[a];
      ++by_status[rv::RecommendationStatus_Name(o.status())];
    }
    AddCounts(by_area, d.mutable_outcomes_by_area());
    AddCounts(by_status, d.mutable_outcomes_by_status());
  } else {
    d.set_partial(true);
    d.add_missing_parts("outcomes");
  }
  return d;
}

}  // namespace outreach::gateway
