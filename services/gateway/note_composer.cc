#include "services/gateway/note_composer.h"

#include <algorithm>
#include <future>
#include <map>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/membership/undated_check.h"
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

absl::StatusOr<std::string> EventId(absl::string_view name) {
  return ParseResourceName(name, "events/", "event");
}

// Every page of a listing, read in a CallGroup (call_group.h): each page's
// completion asks for the next, so the pages follow one another on the
// group's thread. `list` starts one page's call in the group; `take`
// consumes a page. The first failure is left in `*status` and ends the
// reading. What `list`, `take` and `status` refer to must outlive the
// group's Wait.
template <typename Request, typename Response>
class PageReader
    : public std::enable_shared_from_this<PageReader<Request, Response>> {
 public:
  using List = std::function<void(const Request&, Done<Response>)>;
  using Take = std::function<void(Response&)>;

  static void ReadAll(Request req, List list, Take take, absl::Status* status) {
    std::shared_ptr<PageReader> reader(new PageReader(
        std::move(req), std::move(list), std::move(take), status));
    reader->Next();
  }

 private:
  PageReader(Request req, List list, Take take, absl::Status* status)
      : req_(std::move(req)),
        list_(std::move(list)),
        take_(std::move(take)),
        status_(status) {}

  void Next() {
    // The call's completion keeps the reader alive until the last page.
    list_(req_, [self = this->shared_from_this()](
                    absl::StatusOr<Response> page) {
      self->Took(std::move(page));
    });
  }

  void Took(absl::StatusOr<Response> page) {
    if (!page.ok()) {
      *status_ = page.status();
      return;
    }
    take_(*page);
    if (page->next_page_token().empty()) return;
    req_.set_page_token(page->next_page_token());
    Next();
  }

  Request req_;
  const List list_;
  const Take take_;
  absl::Status* const status_;
};

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

}  // namespace

// The country's name for a reader: "Republic of Moldova" rather than ISO's
// "Moldova, Republic of".
std::string CountryDisplayName(const CountryRegistry& countries,
                               const std::string& code) {
  const Country* c = countries.FindByAlpha2(code);
  if (c == nullptr) return code;
  const std::string& name = c->common_name.empty() ? c->name : c->common_name;
  const size_t comma = name.find(", ");
  if (comma == std::string::npos) return name;
  return absl::StrCat(name.substr(comma + 2), " ", name.substr(0, comma));
}

ParsedNote NoteView(const v1::InformationNote& note,
                    const CountryRegistry& countries) {
  ParsedNote view;
  const ev::Event& e = note.event();
  view.title = e.title();
  view.start_date = e.start_date();
  view.end_date = e.end_date();
  view.city = e.venue().city();
  if (!e.venue().country_code().empty()) {
    view.country = CountryDisplayName(countries, e.venue().country_code());
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

NoteComposer::NoteComposer(BackendClients clients, ThreadPool* fanout,
                           const CountryRegistry* countries, Cache* cache,
                           WriteGeneration* generation,
                           absl::Duration cache_ttl, DeadlineShares shares,
                           const ConfidentialReaders* readers,
                           NearCache<std::string>* near)
    : clients_(clients),
      fanout_(fanout),
      countries_(countries),
      cache_(cache),
      generation_(generation),
      cache_ttl_(cache_ttl),
      shares_(shares),
      readers_(readers),
      near_(near) {}

NoteComposer::Lookup NoteComposer::LookUp(
    const CallScope& scope, absl::string_view method,
    const google::protobuf::Message& request,
    google::protobuf::Message* parsed) {
  Lookup found;
  if (cache_ == nullptr || generation_ == nullptr) return found;
  // What the recommendations service showed this caller decides what the
  // composite holds, so it is part of the key.
  const bool all = readers_ == nullptr ||
                   readers_->For(scope.caller_role, scope.authenticated()) ==
                       Visibility::kConfidential;
  const std::string prefix = absl::StrCat("outreach:gateway:v1:", method, ":");
  const std::string suffix =
      absl::StrCat(":", all ? "all:" : "public:",
                   absl::WebSafeBase64Escape(CanonicalBytes(request)));
  if (near_ != nullptr) {
    // The generation alone (a few bytes) in one round trip, judged as
    // Current() would; the composite it keys, when this process holds it,
    // costs no other. Only a near miss reads the composite from Redis.
    const int64_t begun = generation_->BeginRead();
    auto generation =
        generation_->Accept(cache_->GetRaw(kWriteGenerationKey), begun);
    if (!generation.ok()) return found;
    found.key = absl::StrCat(prefix, *generation, suffix);
    // A near entry was checked when it was filled.
    if ((found.bytes = near_->Get(found.key))) return found;
    auto stored = cache_->GetRaw(found.key);
    if (stored.ok() && stored->has_value() &&
        parsed->ParseFromString(**stored)) {
      found.parsed = true;
      found.bytes = std::make_shared<const std::string>(std::move(**stored));
      near_->Fill(found.key, NearCache<std::string>::kAnyTicket, found.bytes);
    }
    return found;
  }
  // The generation and the composite keyed by it, in one round trip; the
  // generation is then judged as Current() would judge it.
  const int64_t begun = generation_->BeginRead();
  auto both = cache_->GetRawChained(kWriteGenerationKey, prefix, suffix);
  auto generation = generation_->Accept(
      both.ok() ? absl::StatusOr<std::optional<std::string>>(both->first)
                : absl::StatusOr<std::optional<std::string>>(both.status()),
      begun);
  if (!generation.ok()) return found;
  found.key = absl::StrCat(prefix, *generation, suffix);
  if (both->second.has_value() && parsed->ParseFromString(*both->second)) {
    found.parsed = true;
    found.bytes = std::make_shared<const std::string>(std::move(*both->second));
  }
  return found;
}

void NoteComposer::Store(const std::string& key,
                         std::shared_ptr<const std::string> bytes) {
  cache_->SetRaw(key, *bytes, cache_ttl_).IgnoreError();
  if (near_ != nullptr) {
    near_->Fill(key, NearCache<std::string>::kAnyTicket, std::move(bytes));
  }
}

template <typename Response>
absl::StatusOr<Response> NoteComposer::Cached(
    const CallScope& scope, absl::string_view method,
    const google::protobuf::Message& request,
    const std::function<absl::StatusOr<Response>()>& compute) {
  Response cached;
  Lookup found = LookUp(scope, method, request, &cached);
  if (found.parsed) return cached;
  if (found.bytes != nullptr && cached.ParseFromString(*found.bytes)) {
    return cached;
  }
  auto result = compute();
  if (result.ok() && !found.key.empty() && !result->partial()) {
    Store(found.key,
          std::make_shared<const std::string>(result->SerializeAsString()));
  }
  return result;
}

absl::StatusOr<std::shared_ptr<const std::string>>
NoteComposer::GetInformationNoteBytes(
    const CallScope& scope, const v1::GetInformationNoteRequest& req) {
  v1::InformationNote checked;  // a Redis hit is parsed once, to check it
  Lookup found = LookUp(scope, "note", req, &checked);
  if (found.bytes != nullptr) return std::move(found.bytes);
  auto note = ComputeNote(scope, req);
  if (!note.ok()) return note.status();
  auto bytes = std::make_shared<const std::string>(note->SerializeAsString());
  if (!found.key.empty() && !note->partial()) Store(found.key, bytes);
  return bytes;
}

absl::StatusOr<v1::RenderedNote> NoteComposer::RenderInformationNote(
    const CallScope& scope, const v1::RenderInformationNoteRequest& req) {
  return Cached<v1::RenderedNote>(scope, "render", req,
                                  [&] { return ComputeRendered(scope, req); });
}

absl::StatusOr<v1::StateProfile> NoteComposer::GetStateProfile(
    const CallScope& scope, const v1::GetStateProfileRequest& req) {
  return Cached<v1::StateProfile>(scope, "profile", req,
                                  [&] { return ComputeProfile(scope, req); });
}

absl::StatusOr<v1::Dashboard> NoteComposer::GetDashboard(
    const CallScope& scope, const v1::GetDashboardRequest& req) {
  return Cached<v1::Dashboard>(scope, "dashboard", req,
                               [&] { return ComputeDashboard(scope, req); });
}

absl::StatusOr<v1::InformationNote> NoteComposer::ComputeNote(
    const CallScope& scope, const v1::GetInformationNoteRequest& req) {
  auto id = EventId(req.event());
  if (!id.ok()) return id.status();
  v1::InformationNote note;
  // Everything that needs only the event's name goes out at once: the
  // event, its participations and its outcomes. The note then waits for
  // the slowest of them, not for their sum (docs/performance.md). The
  // calls are made and their answers taken on this thread, which would
  // otherwise only wait (call_group.h): no thread is woken to make a call
  // or to hand its answer back.
  const CallScope rest = ShareOf(scope, shares_.fanout);
  absl::StatusOr<ev::Event> got = absl::UnknownError("the event was not read");
  std::vector<pv::Participation> parts_read;
  std::vector<pv::UndatedMembershipCheck> undated_checks;
  bool checks_unanswered = false;
  absl::Status parts_status;
  std::vector<rv::Recommendation> outs_read;
  absl::Status outs_status;
  {
    CallGroup group;
    // The participations go out first: with their prepared checks they
    // are the slowest of the three, and the note waits for the slowest.
    pv::ListParticipationsRequest list_parts;
    list_parts.set_parent(req.event());
    list_parts.set_page_size(1000);
    // The membership checks come prepared with the participations, and
    // are judged below on the event's date: no second round trip.
    list_parts.set_include_membership_checks(true);
    PageReader<pv::ListParticipationsRequest, pv::ListParticipationsResponse>::
        ReadAll(
            std::move(list_parts),
            [&](const pv::ListParticipationsRequest& r,
                Done<pv::ListParticipationsResponse> done) {
              clients_.participants->ListParticipationsInGroup(
                  rest, r, group, std::move(done));
            },
            [&parts_read, &undated_checks,
             &checks_unanswered](pv::ListParticipationsResponse& page) {
              bool labelled = false;
              for (auto& p : *page.mutable_participations()) {
                labelled = labelled || !p.printed_group().empty();
                parts_read.push_back(std::move(p));
              }
              // A service that predates the field sends none.
              if (labelled && page.membership_checks().empty()) {
                checks_unanswered = true;
              }
              for (auto& c : *page.mutable_membership_checks()) {
                undated_checks.push_back(std::move(c));
              }
            },
            &parts_status);
    clients_.events->GetInGroup(
        rest, req.event(), group,
        [&got](absl::StatusOr<ev::Event> e) { got = std::move(e); });
    rv::ListRecommendationsRequest list_outs;
    list_outs.set_filter(absl::StrCat("event = \"", req.event(), "\""));
    list_outs.set_page_size(1000);
    PageReader<rv::ListRecommendationsRequest, rv::ListRecommendationsResponse>::
        ReadAll(
            std::move(list_outs),
            [&](const rv::ListRecommendationsRequest& r,
                Done<rv::ListRecommendationsResponse> done) {
              clients_.recommendations->ListInGroup(rest, r, group,
                                                    std::move(done));
            },
            [&outs_read](rv::ListRecommendationsResponse& page) {
              for (auto& o : *page.mutable_recommendations()) {
                outs_read.push_back(std::move(o));
              }
            },
            &outs_status);
    group.Wait();
  }
  // The event is required.
  if (!got.ok()) return got.status();
  *note.mutable_event() = std::move(*got);

  absl::StatusOr<std::vector<pv::Participation>> parts = std::move(parts_read);
  if (!parts_status.ok()) parts = parts_status;
  if (parts.ok()) {
    std::sort(parts->begin(), parts->end(), [](const auto& a, const auto& b) {
      return a.position() < b.position();
    });
    for (auto& p : *parts) {
      if (note.participant_groups_size() == 0 ||
          note.participant_groups(note.participant_groups_size() - 1)
                  .printed_group() != p.printed_group()) {
        note.add_participant_groups()->set_printed_group(p.printed_group());
      }
      *note.mutable_participant_groups(note.participant_groups_size() - 1)
           ->add_participations() = std::move(p);
    }
    // Membership warnings per printed group, on the event's first day. The
    // checks came prepared with the participations and are judged here
    // (membership::Judge, the participants service's own rule). A
    // participants service that predates that field is asked in one
    // BatchCheckMemberships call instead, as before.
    if (!checks_unanswered) {
      for (const auto& undated : undated_checks) {
        auto judged = membership::Judge(undated, note.event().start_date());
        for (auto& m : *judged.mutable_mismatches()) {
          *note.add_membership_warnings() = std::move(m);
        }
      }
    } else {
      std::vector<PrintedGroup> groups;
      for (const auto& g : note.participant_groups()) {
        if (g.printed_group().empty()) continue;
        PrintedGroup& group = groups.emplace_back();
        group.label = g.printed_group();
        for (const auto& p : g.participations())
          group.names.push_back(p.printed_name());
      }
      auto checked = CheckGroupMemberships(*clients_.participants, rest,
                                           note.event().start_date(), groups);
      if (checked.ok()) {
        for (const auto& resp : *checked) {
          for (const auto& m : resp.mismatches())
            *note.add_membership_warnings() = m;
        }
      } else {
        note.set_partial(true);
        note.add_missing_parts("membership_warnings");
      }
    }
  } else {
    note.set_partial(true);
    note.add_missing_parts("participants");
  }
  if (outs_status.ok()) {
    for (auto& o : outs_read) *note.add_outcomes() = std::move(o);
  } else {
    note.set_partial(true);
    note.add_missing_parts("outcomes");
  }
  return note;
}

absl::StatusOr<v1::RenderedNote> NoteComposer::ComputeRendered(
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
  const ParsedNote view = NoteView(*note, *countries_);
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

absl::Status NoteComposer::ForEachParticipationPage(
    const CallScope& scope, const std::string& parent,
    const std::string& filter,
    const std::function<void(const pv::ListParticipationsResponse&)>& fn) {
  pv::ListParticipationsRequest r;
  r.set_parent(parent);
  r.set_filter(filter);
  r.set_page_size(1000);
  do {
    auto page = clients_.participants->ListParticipations(scope, r);
    if (!page.ok()) return page.status();
    fn(*page);
    r.set_page_token(page->next_page_token());
  } while (!r.page_token().empty());
  return absl::OkStatus();
}

absl::Status NoteComposer::ForEachOutcomePage(
    const CallScope& scope, const std::string& filter,
    const std::function<void(const rv::ListRecommendationsResponse&)>& fn) {
  rv::ListRecommendationsRequest r;
  r.set_filter(filter);
  r.set_page_size(1000);
  do {
    auto page = clients_.recommendations->List(scope, r);
    if (!page.ok()) return page.status();
    fn(*page);
    r.set_page_token(page->next_page_token());
  } while (!r.page_token().empty());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<pv::Participation>> NoteComposer::AllParticipations(
    const CallScope& scope, const std::string& parent,
    const std::string& filter) {
  std::vector<pv::Participation> all;
  auto s = ForEachParticipationPage(
      scope, parent, filter, [&all](const pv::ListParticipationsResponse& p) {
        all.insert(all.end(), p.participations().begin(),
                   p.participations().end());
      });
  if (!s.ok()) return s;
  return all;
}

absl::StatusOr<std::vector<rv::Recommendation>> NoteComposer::AllOutcomes(
    const CallScope& scope, const std::string& filter) {
  std::vector<rv::Recommendation> all;
  auto s = ForEachOutcomePage(
      scope, filter, [&all](const rv::ListRecommendationsResponse& p) {
        all.insert(all.end(), p.recommendations().begin(),
                   p.recommendations().end());
      });
  if (!s.ok()) return s;
  return all;
}

absl::StatusOr<ev::ListEventsResponse> NoteComposer::ListEvents(
    const CallScope& scope, const ev::ListEventsRequest& req) {
  return clients_.events->List(scope, req);
}

absl::StatusOr<rv::ListRecommendationsResponse>
NoteComposer::ListRecommendations(const CallScope& scope,
                                  const rv::ListRecommendationsRequest& req) {
  return clients_.recommendations->List(scope, req);
}

absl::StatusOr<rv::Recommendation> NoteComposer::TransitionRecommendation(
    const CallScope& scope, const rv::TransitionRecommendationRequest& req) {
  return clients_.recommendations->Transition(scope, req);
}

absl::StatusOr<std::map<std::string, ev::Event>> NoteComposer::AttendedEvents(
    const CallScope& scope,
    const std::map<std::string, v1::AttendedEvent>& by_event) {
  // One BatchGetEvents per 1000 events, not one GetEvent each: a State's
  // profile at 10k events must not cost a round trip per event attended.
  constexpr size_t kBatch = 1000;
  std::map<std::string, ev::Event> found;
  std::vector<std::string> names;
  auto flush = [&]() -> absl::Status {
    if (names.empty()) return absl::OkStatus();
    auto got = clients_.events->BatchGet(scope, names);
    if (got.ok()) {
      for (auto& e : *got->mutable_events()) {
        std::string name = e.name();
        found.emplace(std::move(name), std::move(e));
      }
    } else if (got.status().code() == absl::StatusCode::kNotFound) {
      // An event was deleted after its participations were listed: the
      // batch fails as a whole (AIP-231), so this batch is read one by
      // one, and the missing ones are left out. Rare by construction.
      for (const auto& name : names) {
        auto one = clients_.events->Get(scope, name);
        if (one.ok()) {
          found.emplace(name, *std::move(one));
        } else if (one.status().code() != absl::StatusCode::kNotFound) {
          return one.status();
        }
      }
    } else {
      return got.status();
    }
    names.clear();
    return absl::OkStatus();
  };
  for (const auto& [event, attended] : by_event) {
    names.push_back(event);
    if (names.size() == kBatch) {
      if (auto s = flush(); !s.ok()) return s;
    }
  }
  if (auto s = flush(); !s.ok()) return s;
  return found;
}

absl::StatusOr<v1::StateProfile> NoteComposer::ComputeProfile(
    const CallScope& scope, const v1::GetStateProfileRequest& req) {
  if (absl::StripAsciiWhitespace(req.entity()).empty()) {
    return InvalidField("entity", "is required: entities/{id} or a name");
  }
  v1::StateProfile profile;
  std::string name = req.entity();
  if (!absl::StartsWith(name, "entities/")) {
    pv::ResolveEntitiesRequest r;
    r.add_names()->set_printed_name(req.entity());
    auto got =
        clients_.participants->Resolve(ShareOf(scope, shares_.lookup), r);
    if (!got.ok()) return got.status();
    const pv::ResolveEntitiesResponse& resp = *got;
    if (resp.resolutions(0).state() == pv::RESOLUTION_STATE_AMBIGUOUS) {
      // Never a guess: the caller names one of the candidates.
      std::vector<std::string> candidates;
      for (const auto& c : resp.resolutions(0).candidates()) {
        candidates.push_back(
            absl::StrCat(c.display_name(), " (", c.entity(), ")"));
      }
      return InvalidField(
          "entity",
          absl::StrCat("\"", req.entity(), "\" is ambiguous; name one of: ",
                       absl::StrJoin(candidates, ", ")));
    }
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
  auto entity =
      clients_.participants->GetEntity(ShareOf(scope, shares_.lookup), name);
  if (!entity.ok()) return entity.status();
  *profile.mutable_entity() = std::move(*entity);

  const CallScope rest = ShareOf(scope, shares_.fanout);
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
    auto events = AttendedEvents(rest, by_event);
    if (events.ok()) {
      for (auto& [event, attended] : by_event) {
        auto it = events->find(event);
        if (it == events->end()) continue;  // deleted since
        *attended.mutable_event() = std::move(it->second);
        *profile.add_events() = std::move(attended);
      }
    } else {
      profile.set_partial(true);
      profile.add_missing_parts("events");
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

// Outcome counts keyed by status name, as the dashboard shows them.
struct OutcomeCounts {
  std::map<std::string, int64_t> by_area, by_status;
  std::map<std::string, std::map<std::string, int64_t>> by_area_status;
};

void AddOutcomeCounts(OutcomeCounts& counts, v1::Dashboard* d) {
  AddCounts(counts.by_area, d->mutable_outcomes_by_area());
  AddCounts(counts.by_status, d->mutable_outcomes_by_status());
  std::map<std::string, int64_t> area_totals;
  for (const auto& [area, statuses] : counts.by_area_status) {
    for (const auto& [status, n] : statuses) area_totals[area] += n;
  }
  google::protobuf::RepeatedPtrField<v1::Count> areas;
  AddCounts(area_totals, &areas);  // largest first
  for (const auto& area : areas) {
    auto* a = d->add_outcomes_by_area_and_status();
    a->set_area(area.key());
    a->set_total(area.count());
    AddCounts(counts.by_area_status[area.key()], a->mutable_by_status());
  }
}

}  // namespace

absl::StatusOr<v1::Dashboard> NoteComposer::ComputeDashboard(
    const CallScope& scope, const v1::GetDashboardRequest& req) {
  if (!req.filter().empty()) return ComputeFilteredDashboard(scope, req);
  // Every event: the three services' kept counts, asked in parallel. Three
  // calls whose cost grows with the number of keys (years, countries,
  // entities, areas), never with the number of events or participations.
  const CallScope rest = ShareOf(scope, shares_.fanout);
  auto parts =
      fanout_->Submit([&] { return clients_.participants->Summarize(rest); });
  auto outcomes = fanout_->Submit(
      [&] { return clients_.recommendations->Summarize(rest); });
  auto events = clients_.events->Summarize(ShareOf(scope, shares_.lookup));
  if (!events.ok()) {
    // As the filtered path: without the events there is no dashboard. The
    // other two are still awaited, since they borrow this call's scope.
    parts.wait();
    outcomes.wait();
    return events.status();
  }
  v1::Dashboard d;
  d.set_event_count(events->event_count());
  auto copy = [](const auto& from,
                 google::protobuf::RepeatedPtrField<v1::Count>* to) {
    std::map<std::string, int64_t> counts;
    for (const auto& c : from) counts[c.key()] += c.count();
    AddCounts(counts, to);
  };
  copy(events->by_year(), d.mutable_events_by_year());
  copy(events->by_kind(), d.mutable_events_by_kind());
  copy(events->by_country(), d.mutable_events_by_country());

  auto by_entity = parts.get();
  if (by_entity.ok()) {
    std::map<std::string, int64_t> counts;
    for (const auto& c : by_entity->by_entity())
      counts[c.entity()] += c.count();
    AddCounts(counts, d.mutable_participations_by_entity());
  } else {
    d.set_partial(true);
    d.add_missing_parts("participations");
  }
  auto summary = outcomes.get();
  if (summary.ok()) {
    OutcomeCounts counts;
    for (const auto& c : summary->by_status()) {
      counts.by_status[rv::RecommendationStatus_Name(c.status())] += c.count();
    }
    for (const auto& c : summary->by_area_and_status()) {
      const std::string status = rv::RecommendationStatus_Name(c.status());
      if (!c.area().empty()) counts.by_area[c.area()] += c.count();
      counts.by_area_status[c.area()][status] += c.count();
    }
    AddOutcomeCounts(counts, &d);
  } else {
    d.set_partial(true);
    d.add_missing_parts("outcomes");
  }
  return d;
}

// Only the events that match: their records are read and counted here, so
// the cost grows with the events (and all participations and outcomes).
absl::StatusOr<v1::Dashboard> NoteComposer::ComputeFilteredDashboard(
    const CallScope& scope, const v1::GetDashboardRequest& req) {
  // Counted a page at a time: the gateway holds the matching events' names
  // and the counts, never every record (a million participations once took
  // a gigabyte here).
  v1::Dashboard d;
  std::map<std::string, int64_t> by_year, by_kind, by_country;
  absl::flat_hash_set<std::string> names;
  ev::ListEventsRequest list;
  list.set_filter(req.filter());
  list.set_page_size(1000);
  const CallScope first = ShareOf(scope, shares_.lookup);
  do {
    auto page = clients_.events->List(first, list);
    if (!page.ok()) return page.status();
    for (const auto& e : page->events()) {
      names.insert(e.name());
      ++by_year[absl::StrCat(e.start_date().year())];
      ++by_kind[ev::EventKind_Name(e.kind())];
      if (!e.venue().country_code().empty())
        ++by_country[e.venue().country_code()];
    }
    list.set_page_token(page->next_page_token());
  } while (!list.page_token().empty());
  d.set_event_count(static_cast<int64_t>(names.size()));
  AddCounts(by_year, d.mutable_events_by_year());
  AddCounts(by_kind, d.mutable_events_by_kind());
  AddCounts(by_country, d.mutable_events_by_country());

  const CallScope rest = ShareOf(scope, shares_.fanout);
  OutcomeCounts counts;
  auto outcomes = fanout_->Submit([&] {
    return ForEachOutcomePage(rest, "",
                              [&](const rv::ListRecommendationsResponse& page) {
                                for (const auto& o : page.recommendations()) {
                                  if (!names.contains(o.event())) continue;
                                  const std::string status =
                                      rv::RecommendationStatus_Name(o.status());
                                  for (const auto& a : o.areas()) {
                                    ++counts.by_area[a];
                                    ++counts.by_area_status[a][status];
                                  }
                                  // Imported outcomes often name no area: they
                                  // are charted too.
                                  if (o.areas().empty())
                                    ++counts.by_area_status[""][status];
                                  ++counts.by_status[status];
                                }
                              });
  });
  std::map<std::string, int64_t> by_entity;
  const absl::Status parts = ForEachParticipationPage(
      rest, "events/-", "", [&](const pv::ListParticipationsResponse& page) {
        for (const auto& p : page.participations()) {
          const absl::string_view name = p.name();
          const absl::string_view event =
              name.substr(0, name.find("/participations/"));
          if (!p.entity().empty() && names.contains(event)) {
            ++by_entity[p.entity()];
          }
        }
      });
  if (parts.ok()) {
    AddCounts(by_entity, d.mutable_participations_by_entity());
  } else {
    d.set_partial(true);
    d.add_missing_parts("participations");
  }
  if (outcomes.get().ok()) {
    AddOutcomeCounts(counts, &d);
  } else {
    d.set_partial(true);
    d.add_missing_parts("outcomes");
  }
  return d;
}

}  // namespace outreach::gateway

namespace outreach::gateway {

absl::Status NoteComposer::DeleteEvent(const CallScope& scope,
                                       const ev::DeleteEventRequest& req) {
  return clients_.events->Delete(scope, req);
}

absl::StatusOr<v1::IntegrityReport> NoteComposer::CheckIntegrity(
    const CallScope& scope) {
  v1::IntegrityReport out;
  absl::flat_hash_set<std::string> events;
  ev::ListEventsRequest list;
  list.set_page_size(1000);
  do {
    auto page = clients_.events->List(scope, list);
    if (!page.ok()) return page.status();
    for (const auto& e : page->events()) {
      events.insert(e.name());
      if (e.note_import().state() == ev::IMPORT_STATE_IMPORTING) {
        out.add_incomplete_imports(e.name());
      }
    }
    list.set_page_token(page->next_page_token());
  } while (!list.page_token().empty());
  out.set_events_checked(static_cast<int64_t>(events.size()));

  auto orphan = [&out](const std::string& name, const std::string& missing,
                       const char* reason) {
    auto* o = out.add_orphans();
    o->set_name(name);
    o->set_missing(missing);
    o->set_reason(reason);
  };
  // A page at a time, as the filtered dashboard: the report holds the
  // orphans, not every record.
  int64_t participations = 0;
  absl::Status s = ForEachParticipationPage(
      scope, "events/-", "", [&](const pv::ListParticipationsResponse& page) {
        for (const auto& p : page.participations()) {
          ++participations;
          const std::string event =
              p.name().substr(0, p.name().find("/participations/"));
          if (!events.contains(event)) {
            orphan(p.name(), event, "its event does not exist");
          }
        }
      });
  if (!s.ok()) return s;
  out.set_participations_checked(participations);
  // Addressees are looked up once each, after the listing.
  int64_t outcomes = 0;
  absl::flat_hash_map<std::string, std::vector<std::string>> addressed;
  s = ForEachOutcomePage(
      scope, "", [&](const rv::ListRecommendationsResponse& page) {
        for (const auto& o : page.recommendations()) {
          ++outcomes;
          if (!events.contains(o.event())) {
            orphan(o.name(), o.event(), "its event does not exist");
          }
          for (const auto& a : o.addressees()) addressed[a].push_back(o.name());
        }
      });
  if (!s.ok()) return s;
  out.set_outcomes_checked(outcomes);
  std::vector<std::pair<std::string, std::string>> missing;
  for (const auto& [entity, names] : addressed) {
    auto got = clients_.participants->GetEntity(scope, entity);
    if (got.ok()) continue;
    if (got.status().code() != absl::StatusCode::kNotFound) return got.status();
    for (const auto& name : names) missing.emplace_back(name, entity);
  }
  // In the order the outcomes were listed, as before.
  std::sort(missing.begin(), missing.end());
  for (const auto& [name, entity] : missing) {
    orphan(name, entity, "an addressee does not exist");
  }
  return out;
}

}  // namespace outreach::gateway
