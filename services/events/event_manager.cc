#include "services/events/event_manager.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/status/status_util.h"
#include "google/protobuf/util/field_mask_util.h"
#include "google/protobuf/util/time_util.h"
#include "services/events/event_validation.h"
#include "services/events/list_query.h"

namespace outreach::events {
namespace {

using google::protobuf::FieldMask;
using google::protobuf::util::FieldMaskUtil;
using google::protobuf::util::TimeUtil;
using v1::Event;

// Fields a client may write, as update_mask paths.
const absl::flat_hash_set<std::string>& WritablePaths() {
  static const auto* const kPaths = new absl::flat_hash_set<std::string>{
      "title",         "kind",
      "status",        "start_date",
      "end_date",      "venue",
      "venue.city",    "venue.country_code",
      "organizers",    "topics",
      "background",    "objectives",
      "highlights",    "additional_comments",
      "contact_email", "parent_event",
      "series",        "note_import",
      "note_import.state"};
  return *kPaths;
}

const absl::flat_hash_set<std::string>& OutputOnlyPaths() {
  static const auto* const kPaths = new absl::flat_hash_set<std::string>{
      "name", "create_time", "update_time", "etag"};
  return *kPaths;
}

// The implied mask of AIP-134 when none is given: every populated field.
FieldMask PopulatedFields(const Event& e) {
  FieldMask mask;
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  e.GetReflection()->ListFields(e, &fields);
  for (const auto* f : fields) {
    if (WritablePaths().contains(f->name())) mask.add_paths(f->name());
  }
  return mask;
}

std::string CacheKey(const std::string& id) {
  return absl::StrCat("event/", id);
}

void ClearOutputOnly(Event& e) {
  e.clear_name();
  e.clear_create_time();
  e.clear_update_time();
  e.clear_etag();
}

// Ids from titles try the slug, then slug-2, slug-3, ...
constexpr int kMaxSlugAttempts = 50;
// Writes without an etag retry this often when another write wins the race.
constexpr int kMaxUpdateAttempts = 3;
// Parent chains longer than this are refused (and cycles caught).
constexpr int kMaxParentDepth = 16;

}  // namespace

EventManager::EventManager(EventStore* store, CacheAside* cache,
                           const CountryRegistry* countries, Clock* clock,
                           EventDependents* dependents,
                           NearCache<v1::Event>* near)
    : store_(store),
      cache_(cache),
      countries_(countries),
      clock_(clock),
      dependents_(dependents),
      near_(near) {}

void EventManager::Forget(const std::string& id) {
  if (near_ != nullptr) near_->Invalidate(id);
}

absl::StatusOr<v1::ListAuditRecordsResponse> EventManager::ListAuditRecords(
    const v1::ListAuditRecordsRequest& req) {
  return outreach::ListAuditRecords<v1::ListAuditRecordsResponse>(
      req, [this](const AuditQuery& q) { return store_->ListAudit(q); });
}

absl::StatusOr<StoredEvent> EventManager::Load(const std::string& id) {
  return store_->Get(id);
}

absl::Status EventManager::CheckParent(const std::string& id, const Event& e) {
  if (e.parent_event().empty()) return absl::OkStatus();
  auto parent_id = ParseEventName(e.parent_event(), "event.parent_event");
  if (!parent_id.ok()) return parent_id.status();
  std::string cursor = *parent_id;
  for (int depth = 0; depth < kMaxParentDepth; ++depth) {
    if (cursor == id) {
      return InvalidField("event.parent_event",
                          "would make the event its own ancestor");
    }
    auto parent = store_->Get(cursor);
    if (parent.status().code() == absl::StatusCode::kNotFound) {
      if (depth == 0) {
        return absl::FailedPreconditionError(
            absl::StrCat("parent_event ", e.parent_event(), " does not exist"));
      }
      return absl::OkStatus();  // a dangling ancestor is not ours to fix
    }
    if (!parent.ok()) return parent.status();
    if (parent->event.parent_event().empty()) return absl::OkStatus();
    absl::string_view next = parent->event.parent_event();
    absl::ConsumePrefix(&next, "events/");
    cursor = std::string(next);
  }
  return InvalidField(
      "event.parent_event",
      absl::StrCat("nests deeper than ", kMaxParentDepth, " levels"));
}

absl::StatusOr<Event> EventManager::GetEvent(const v1::GetEventRequest& req) {
  auto id = ParseEventName(req.name(), "name");
  if (!id.ok()) return id.status();
  return Read(*id);
}

absl::StatusOr<v1::BatchGetEventsResponse> EventManager::BatchGetEvents(
    const v1::BatchGetEventsRequest& req) {
  if (req.names().empty()) {
    return InvalidField("names", "is required: 1 to 1000 event names");
  }
  if (req.names_size() > kMaxBatchGet) {
    return InvalidField("names", absl::StrCat("has ", req.names_size(),
                                              " names; at most ",
                                              kMaxBatchGet, " are allowed"));
  }
  // Every name is checked before any is read: a bad request costs no reads.
  std::vector<std::string> ids;
  ids.reserve(req.names_size());
  for (int i = 0; i < req.names_size(); ++i) {
    auto id = ParseEventName(req.names(i), absl::StrCat("names[", i, "]"));
    if (!id.ok()) return id.status();
    ids.push_back(*std::move(id));
  }
  v1::BatchGetEventsResponse response;
  for (const std::string& id : ids) {
    auto event = Read(id);
    if (!event.ok()) return event.status();  // NOT_FOUND names the event
    *response.add_events() = *std::move(event);
  }
  return response;
}

namespace {

// Appends `counts` to `out`, one entry per key, largest first, then by key.
// Stored keys that name the same thing (kinds this binary does not know,
// all shown as EVENT_KIND_UNSPECIFIED) are added together, so a key is
// never listed twice.
void AddCounts(std::vector<std::pair<std::string, int64_t>> counts,
               google::protobuf::RepeatedPtrField<v1::EventCount>* out) {
  std::sort(counts.begin(), counts.end());
  size_t kept = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (kept > 0 && counts[kept - 1].first == counts[i].first) {
      counts[kept - 1].second += counts[i].second;
    } else {
      if (kept != i) counts[kept] = std::move(counts[i]);  // not onto itself
      ++kept;
    }
  }
  counts.resize(kept);
  std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  for (auto& [key, n] : counts) {
    auto* c = out->Add();
    c->set_key(std::move(key));
    c->set_count(n);
  }
}

}  // namespace

absl::StatusOr<v1::SummarizeEventsResponse> EventManager::SummarizeEvents(
    const v1::SummarizeEventsRequest&) {
  auto counts = store_->Counts();
  if (!counts.ok()) return counts.status();
  std::vector<std::pair<std::string, int64_t>> years, kinds, countries;
  int64_t total = 0;
  for (const StoredCount& c : *counts) {
    if (c.dimension == "year") {
      // Stored as written ("2013", "0000" when no date was given).
      int year = 0;
      if (!absl::SimpleAtoi(c.key, &year)) year = 0;
      years.emplace_back(absl::StrCat(year), c.n);
    } else if (c.dimension == "kind") {
      int kind = 0;
      if (!absl::SimpleAtoi(c.key, &kind) || !v1::EventKind_IsValid(kind)) {
        kind = v1::EVENT_KIND_UNSPECIFIED;
      }
      kinds.emplace_back(v1::EventKind_Name(static_cast<v1::EventKind>(kind)),
                         c.n);
      total += c.n;  // every event has exactly one kind
    } else if (c.dimension == "country") {
      countries.emplace_back(c.key, c.n);
    }
  }
  v1::SummarizeEventsResponse out;
  out.set_event_count(total);
  AddCounts(std::move(years), out.mutable_by_year());
  AddCounts(std::move(kinds), out.mutable_by_kind());
  AddCounts(std::move(countries), out.mutable_by_country());
  return out;
}

absl::StatusOr<Event> EventManager::Read(const std::string& id) {
  // Near cache first: a hit costs a copy, no round trip and no parse.
  NearCache<Event>::Ticket ticket = 0;
  if (near_ != nullptr) {
    if (auto hit = near_->Get(id)) return *hit;
    ticket = near_->ticket();  // before reading what it may keep
  }
  auto remember = [&](const Event& event) {
    if (near_ != nullptr) {
      near_->Fill(id, ticket, std::make_shared<const Event>(event));
    }
  };
  if (auto cached = cache_->Get(CacheKey(id)); cached.has_value()) {
    Event event;
    if (event.ParseFromString(*cached)) {
      remember(event);
      return event;
    }
  }
  auto stored = Load(id);
  if (!stored.ok()) return stored.status();
  stored->event.set_etag(EtagForRevision(stored->revision));
  cache_->Fill(CacheKey(id), stored->revision,
               stored->event.SerializeAsString());
  remember(stored->event);
  return std::move(stored->event);
}

absl::StatusOr<v1::ListEventsResponse> EventManager::ListEvents(
    const v1::ListEventsRequest& req) {
  auto query = BuildListQuery(req.page_size(), req.page_token(), req.filter(),
                              req.order_by());
  if (!query.ok()) return query.status();
  auto page = store_->List(*query);
  if (!page.ok()) return page.status();
  v1::ListEventsResponse response;
  for (auto& stored : page->events) {
    stored.event.set_etag(EtagForRevision(stored.revision));
    *response.add_events() = std::move(stored.event);
  }
  if (page->next.has_value()) {
    response.set_next_page_token(EncodePageToken(
        QueryFingerprint(req.filter(), req.order_by()), *page->next));
  }
  return response;
}

absl::StatusOr<Event> EventManager::CreateEvent(
    const CallScope& scope, const v1::CreateEventRequest& req) {
  FieldViolations v;
  if (!req.has_event()) {
    v.Add("event", "is required");
    return v.ToStatus("invalid event");
  }
  if (!req.event_id().empty() && !IsValidId(req.event_id())) {
    v.Add("event_id",
          "must be 1-63 characters of a-z, 0-9 and '-', start with a letter "
          "and not end with '-'");
  }
  if (!req.request_id().empty() && !IsUuid(req.request_id())) {
    v.Add("request_id", "must be a UUID, e.g. 3f2b8c1e-...-...");
  }
  ValidateEvent(req.event(), *countries_, "event", v);
  if (auto s = v.ToStatus("invalid event"); !s.ok()) return s;

  Event event = req.event();
  ClearOutputOnly(event);
  if (!event.has_end_date()) *event.mutable_end_date() = event.start_date();
  if (auto s = CheckParent(req.event_id(), event); !s.ok()) return s;
  const auto now =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock_->Now()));
  *event.mutable_create_time() = now;
  *event.mutable_update_time() = now;

  const bool generated = req.event_id().empty();
  const std::string base =
      generated ? Slugify(event.title(),
                          absl::StrCat(event.start_date().year()), 48, "event")
                : req.event_id();
  if (req.validate_only()) {
    event.set_name(absl::StrCat("events/", base));
    return event;
  }

  // The request as the client sent it, minus the id of the retry itself:
  // a retry must be byte-identical to count as the same request.
  v1::CreateEventRequest fingerprint = req;
  fingerprint.clear_request_id();
  const std::string request_bytes = DeterministicBytes(fingerprint);

  for (int attempt = 1; attempt <= kMaxSlugAttempts; ++attempt) {
    const std::string id = attempt > 1 ? WithNumberSuffix(base, attempt) : base;
    event.set_name(absl::StrCat("events/", id));
    auto created =
        store_->Create(event, req.request_id(), request_bytes,
                       AuditOf(scope, "CreateEvent", req.request_id()));
    Forget(id);
    if (created.status().code() == absl::StatusCode::kAlreadyExists &&
        generated) {
      continue;
    }
    if (!created.ok()) return created.status();
    Event result = std::move(created->stored.event);
    result.set_etag(EtagForRevision(created->stored.revision));
    if (!created->replayed) {
      cache_->Invalidate(CacheKey(id), created->stored.revision);
    }
    return result;
  }
  return absl::AlreadyExistsError(
      absl::StrCat("no free id near '", base, "'; pass an event_id"));
}

absl::StatusOr<Event> EventManager::UpdateEvent(
    const CallScope& scope, const v1::UpdateEventRequest& req) {
  if (!req.has_event()) return InvalidField("event", "is required");
  auto id = ParseEventName(req.event().name(), "event.name");
  if (!id.ok()) return id.status();
  int64_t expected = 0;
  if (!req.event().etag().empty()) {
    auto revision = RevisionFromEtag(req.event().etag(), "event.etag");
    if (!revision.ok()) return revision.status();
    expected = *revision;
  }
  FieldMask mask;
  if (!req.has_update_mask()) {
    mask = PopulatedFields(req.event());
  } else {
    FieldViolations v;
    for (int i = 0; i < req.update_mask().paths_size(); ++i) {
      const std::string& path = req.update_mask().paths(i);
      if (path == "*") {
        for (const auto& p : WritablePaths()) {
          if (p.find('.') == std::string::npos) mask.add_paths(p);
        }
      } else if (WritablePaths().contains(path)) {
        mask.add_paths(path);
      } else if (!OutputOnlyPaths().contains(path)) {
        // Output-only paths are ignored (AIP-203); unknown ones are errors.
        v.Add(absl::StrCat("update_mask.paths[", i, "]"),
              absl::StrCat("'", path.substr(0, 100),
                           "' is not a field of Event that can be updated"));
      }
    }
    if (auto s = v.ToStatus("invalid update_mask"); !s.ok()) return s;
  }
  FieldMaskUtil::MergeOptions merge;
  merge.set_replace_message_fields(true);
  merge.set_replace_repeated_fields(true);

  for (int attempt = 1;; ++attempt) {
    auto current = Load(*id);
    if (!current.ok()) return current.status();
    if (expected != 0 && current->revision != expected) {
      return absl::AbortedError(absl::StrCat(
          req.event().name(),
          " was changed by someone else; read it again and retry with its "
          "new etag"));
    }
    Event merged = current->event;
    FieldMaskUtil::MergeMessageTo(req.event(), mask, merge, &merged);
    FieldViolations v;
    ValidateEvent(merged, *countries_, "event", v);
    if (auto s = v.ToStatus("invalid event"); !s.ok()) return s;
    if (auto s = CheckParent(*id, merged); !s.ok()) return s;
    // Restore what the merge must not touch.
    merged.set_name(current->event.name());
    *merged.mutable_create_time() = current->event.create_time();
    merged.clear_etag();
    *merged.mutable_update_time() =
        TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock_->Now()));
    if (req.validate_only()) {
      merged.set_etag(EtagForRevision(current->revision));
      return merged;
    }
    auto updated = store_->Update(merged, current->revision,
                                  AuditOf(scope, "UpdateEvent"));
    Forget(*id);
    if (updated.status().code() == absl::StatusCode::kAborted &&
        expected == 0 && attempt < kMaxUpdateAttempts) {
      continue;  // lost a race with another writer; the client sent no etag
    }
    if (!updated.ok()) return updated.status();
    cache_->Invalidate(CacheKey(*id), updated->revision);
    updated->event.set_etag(EtagForRevision(updated->revision));
    return std::move(updated->event);
  }
}

absl::Status EventManager::DeleteEvent(const CallScope& scope,
                                       const v1::DeleteEventRequest& req) {
  auto id = ParseEventName(req.name(), "name");
  if (!id.ok()) return id.status();
  // A forced delete takes the event's participations and outcomes with it:
  // an admin's decision (deploy/k8s/base/authz/ lets editors delete only what
  // nothing refers to). The policy sees methods, not fields, so the check
  // is here. An empty role is a server without TLS, where nobody is
  // authenticated.
  if (req.force() && !scope.caller_role.empty() &&
      scope.caller_role != "admin") {
    return absl::PermissionDeniedError(absl::StrCat(
        scope.caller_identity, " may not force a delete: admin only"));
  }
  int64_t expected = 0;
  if (!req.etag().empty()) {
    auto revision = RevisionFromEtag(req.etag(), "etag");
    if (!revision.ok()) return revision.status();
    expected = *revision;
  }
  // Refuse to orphan events held in this one's margins.
  ListQuery children;
  children.page_size = 1;
  children.terms.push_back(
      {FilterField::kParentEvent, FilterOp::kEq, req.name(), 0});
  auto page = store_->List(children);
  if (!page.ok()) return page.status();
  if (!page->events.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        req.name(), " is the parent_event of ", page->events[0].event.name(),
        "; delete or re-parent its child events first"));
  }
  if (auto current = Load(*id); !current.ok()) return current.status();
  // Participations and outcomes refer to the event: deleting it under them
  // would leave orphans that a new event of the same id could pick up.
  if (dependents_ != nullptr) {
    if (req.force()) {
      // Children first, so that a delete that fails part-way leaves the
      // event in place and can be run again.
      if (auto s = dependents_->DeleteAll(scope, req.name()); !s.ok()) {
        return absl::Status(
            s.code(), absl::StrCat("could not delete what refers to ",
                                   req.name(), " (run the forced delete "
                                   "again): ", s.message()));
      }
    } else {
      auto found = dependents_->Find(scope, req.name(), 3);
      if (!found.ok()) {
        return absl::Status(found.status().code(),
                            absl::StrCat("could not check what refers to ",
                                         req.name(), ": ",
                                         found.status().message()));
      }
      if (!found->empty()) {
        return absl::FailedPreconditionError(absl::StrCat(
            req.name(), " still has participations or outcomes (",
            absl::StrJoin(*found, ", "),
            (found->size() >= 3 ? ", ..." : ""),
            "); delete them first, or delete with force to delete them too"));
      }
    }
  }
  auto revision = store_->Delete(*id, expected, AuditOf(scope, "DeleteEvent"));
  Forget(*id);
  if (!revision.ok()) return revision.status();
  cache_->Invalidate(CacheKey(*id), *revision);
  return absl::OkStatus();
}

}  // namespace outreach::events
