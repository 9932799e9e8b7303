#include "services/recommendations/recommendation_manager.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/resource/filter.h"
#include "common/resource/resource_ids.h"
#include "common/status/status_util.h"
#include "common/time/calendar_date.h"
#include "google/protobuf/util/field_mask_util.h"
#include "google/protobuf/util/time_util.h"
#include "services/recommendations/lifecycle.h"

namespace outreach::recommendations {
namespace {

using google::protobuf::util::FieldMaskUtil;
using google::protobuf::util::TimeUtil;

constexpr size_t kMaxText = 10000;
constexpr size_t kMaxShort = 300;
constexpr size_t kMaxNote = 2000;
constexpr int kMaxAreas = 20;
constexpr int kMaxAddressees = 100;
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;
constexpr int kMaxWriteAttempts = 3;

void Validate(const v1::Recommendation& r, FieldViolations& v) {
  const std::string p = "recommendation";
  if (r.kind() < v1::RECOMMENDATION_KIND_RECOMMENDATION ||
      r.kind() > v1::RECOMMENDATION_KIND_FOLLOW_UP) {
    v.Add(p + ".kind",
          "is required: RECOMMENDATION, ASSISTANCE_NEED or FOLLOW_UP");
  }
  if (!IsResourceName(r.event(), "events/")) {
    v.Add(p + ".event", "is required, as events/{event_id}");
  }
  v.CheckText(r.text(), kMaxText, true, p + ".text");
  if (r.areas_size() > kMaxAreas) {
    v.Add(p + ".areas", absl::StrCat("has more than ", kMaxAreas, " entries"));
  } else {
    absl::flat_hash_set<std::string> seen;
    for (int i = 0; i < r.areas_size(); ++i) {
      const std::string f = absl::StrCat(p, ".areas[", i, "]");
      v.CheckText(r.areas(i), 100, true, f);
      if (!seen.insert(r.areas(i)).second) v.Add(f, "repeats an earlier area");
    }
  }
  if (r.addressees_size() > kMaxAddressees) {
    v.Add(p + ".addressees",
          absl::StrCat("has more than ", kMaxAddressees, " entries"));
  } else {
    absl::flat_hash_set<std::string> seen;
    for (int i = 0; i < r.addressees_size(); ++i) {
      const std::string f = absl::StrCat(p, ".addressees[", i, "]");
      if (!IsResourceName(r.addressees(i), "entities/")) {
        v.Add(f, "is not of the form entities/{entity_id}");
      } else if (!seen.insert(r.addressees(i)).second) {
        v.Add(f, "repeats an earlier addressee");
      }
    }
  }
  v.CheckText(r.source().document(), kMaxShort, false, p + ".source.document");
  v.CheckText(r.source().excerpt(), kMaxText, false, p + ".source.excerpt");
  v.CheckText(r.source().rule(), 100, false, p + ".source.rule");
  if (r.source().attachment() < 0) {
    v.Add(p + ".source.attachment", "must not be negative");
  }
  v.CheckText(r.owner(), kMaxShort, false, p + ".owner");
  if (r.has_due_date() && !IsValidDate(r.due_date())) {
    v.Add(p + ".due_date", "is not a valid calendar date");
  }
  if (!r.fulfilled_by_event().empty() &&
      !IsResourceName(r.fulfilled_by_event(), "events/")) {
    v.Add(p + ".fulfilled_by_event", "is not of the form events/{event_id}");
  }
  if (r.consent_to_publish() &&
      r.kind() != v1::RECOMMENDATION_KIND_ASSISTANCE_NEED) {
    v.Add(p + ".consent_to_publish", "applies to assistance needs only");
  }
}

// Areas are kept in lower case so that filters match however they were typed.
void NormalizeAreas(v1::Recommendation& r) {
  for (auto& a : *r.mutable_areas()) {
    a = absl::AsciiStrToLower(absl::StripAsciiWhitespace(a));
  }
}

const absl::flat_hash_set<std::string>& WritablePaths() {
  static const auto* const kPaths = new absl::flat_hash_set<std::string>{
      "text",  "areas",    "addressees",         "source",
      "owner", "due_date", "fulfilled_by_event", "consent_to_publish"};
  return *kPaths;
}

std::string CacheKey(const std::string& id) {
  return absl::StrCat("recommendation/", id);
}

std::string IdOf(absl::string_view name) {
  return IdFromName(name, "recommendations/");
}

absl::StatusOr<std::string> ParseName(absl::string_view name,
                                      absl::string_view field) {
  return ParseResourceName(name, "recommendations/", field);
}

v1::Recommendation WithEtag(StoredRecommendation s) {
  s.recommendation.set_etag(EtagForRevision(s.revision));
  return std::move(s.recommendation);
}

}  // namespace

RecommendationManager::RecommendationManager(RecommendationStore* store,
                                             CacheAside* cache,
                                             EventChecker* events,
                                             EntityChecker* entities,
                                             Clock* clock,
                                             const ConfidentialReaders* readers)
    : store_(store),
      cache_(cache),
      events_(events),
      entities_(entities),
      clock_(clock),
      readers_(readers) {}

namespace {

// Who a history entry names: the authenticated caller ("editor",
// "editor via gateway", "jwt:alice"), never what a client typed, which it
// could make up. Only a plaintext server, where nobody is authenticated,
// records the request's `actor`.
std::string ActorOf(const CallScope& scope, const std::string& typed) {
  return scope.authenticated() ? scope.CallerName() : typed;
}

}  // namespace

bool RecommendationManager::SeesConfidential(const CallScope& scope) const {
  return readers_ == nullptr ||
         readers_->For(scope.caller_role, scope.authenticated()) ==
             Visibility::kConfidential;
}

absl::Status RecommendationManager::CheckVisible(
    const CallScope& scope, const v1::Recommendation& r) const {
  if (!IsConfidential(r) || SeesConfidential(scope)) return absl::OkStatus();
  return absl::NotFoundError(absl::StrCat(r.name(), " not found"));
}

absl::Status RecommendationManager::CheckReferences(const CallScope& scope,
                                                    const v1::Recommendation& r,
                                                    bool check_event,
                                                    bool check_addressees,
                                                    bool check_fulfilled_by) {
  if (check_event) {
    if (auto s = events_->CheckExists(scope, r.event()); !s.ok()) return s;
  }
  if (check_fulfilled_by && !r.fulfilled_by_event().empty()) {
    if (auto s = events_->CheckExists(scope, r.fulfilled_by_event()); !s.ok()) {
      return s;
    }
  }
  if (check_addressees && r.addressees_size() > 0) {
    std::vector<std::string> names(r.addressees().begin(),
                                   r.addressees().end());
    absl::Status s = entities_->CheckAll(scope, names);
    if (s.code() == absl::StatusCode::kNotFound) {
      return InvalidField("recommendation.addressees", s.message());
    }
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Recommendation> RecommendationManager::Get(
    const CallScope& scope, const v1::GetRecommendationRequest& req) {
  auto id = ParseName(req.name(), "name");
  if (!id.ok()) return id.status();
  if (auto cached = cache_->Get(CacheKey(*id)); cached.has_value()) {
    v1::Recommendation r;
    if (r.ParseFromString(*cached)) {
      if (auto s = CheckVisible(scope, r); !s.ok()) return s;
      return r;
    }
  }
  auto stored = store_->Get(*id);
  if (!stored.ok()) return stored.status();
  const int64_t revision = stored->revision;
  v1::Recommendation r = WithEtag(std::move(*stored));
  cache_->Fill(CacheKey(*id), revision, r.SerializeAsString());
  if (auto s = CheckVisible(scope, r); !s.ok()) return s;
  return r;
}

absl::StatusOr<v1::SummarizeRecommendationsResponse>
RecommendationManager::Summarize(const CallScope& scope,
                                 const v1::SummarizeRecommendationsRequest&) {
  auto counts = store_->Counts();
  if (!counts.ok()) return counts.status();
  const bool confidential = SeesConfidential(scope);
  auto status_of = [](absl::string_view key) {
    int n = 0;
    if (!absl::SimpleAtoi(key, &n) || !v1::RecommendationStatus_IsValid(n)) {
      n = v1::RECOMMENDATION_STATUS_UNSPECIFIED;
    }
    return static_cast<v1::RecommendationStatus>(n);
  };
  // Public and (when visible) confidential counts are summed per key.
  std::map<v1::RecommendationStatus, int64_t> by_status;
  std::map<std::pair<std::string, v1::RecommendationStatus>, int64_t> by_area;
  for (const StoredCount& c : *counts) {
    const std::pair<absl::string_view, absl::string_view> split =
        absl::StrSplit(c.dimension, absl::MaxSplits('.', 1));
    const absl::string_view dimension = split.first, flag = split.second;
    if (flag != "0" && !(confidential && flag == "1")) continue;
    if (dimension == "status") {
      by_status[status_of(c.key)] += c.n;
    } else if (dimension == "area") {
      const size_t colon = c.key.find(':');
      if (colon == std::string::npos) continue;
      by_area[{c.key.substr(colon + 1),
               status_of(absl::string_view(c.key).substr(0, colon))}] += c.n;
    }
  }
  v1::SummarizeRecommendationsResponse out;
  std::vector<std::pair<v1::RecommendationStatus, int64_t>> statuses(
      by_status.begin(), by_status.end());
  std::stable_sort(
      statuses.begin(), statuses.end(),
      [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [status, n] : statuses) {
    out.set_recommendation_count(out.recommendation_count() + n);
    auto* c = out.add_by_status();
    c->set_status(status);
    c->set_count(n);
  }
  std::vector<
      std::pair<std::pair<std::string, v1::RecommendationStatus>, int64_t>>
      areas(by_area.begin(), by_area.end());
  std::stable_sort(
      areas.begin(), areas.end(),
      [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [key, n] : areas) {
    auto* c = out.add_by_area_and_status();
    c->set_area(key.first);
    c->set_status(key.second);
    c->set_count(n);
  }
  return out;
}

absl::StatusOr<v1::ListRecommendationsResponse> RecommendationManager::List(
    const CallScope& scope, const v1::ListRecommendationsRequest& req) {
  if (req.page_size() < 0)
    return InvalidField("page_size", "must not be negative");
  RecommendationQuery q;
  q.include_confidential = SeesConfidential(scope);
  q.page_size = req.page_size() == 0 ? kDefaultPageSize
                                     : std::min(req.page_size(), kMaxPageSize);
  auto restrictions = ParseFilterRestrictions(req.filter());
  if (!restrictions.ok()) return restrictions.status();
  for (const Restriction& r : *restrictions) {
    if (auto s = RequireFilterOps(r, {FilterOp::kEq}); !s.ok()) return s;
    const std::string& field = r.field;
    const std::string& value = r.value;
    bool ok = true;
    if (field == "event") {
      ok = IsResourceName(value, "events/");
      q.event = value;
    } else if (field == "addressee") {
      ok = IsResourceName(value, "entities/");
      q.addressee = value;
    } else if (field == "kind") {
      ok = ParseEnumName<v1::RecommendationKind>("RECOMMENDATION_KIND_", value,
                                                 &v1::RecommendationKind_Parse,
                                                 &q.kind);
    } else if (field == "status") {
      ok = ParseEnumName<v1::RecommendationStatus>(
          "RECOMMENDATION_STATUS_", value, &v1::RecommendationStatus_Parse,
          &q.status);
    } else if (field == "area") {
      q.area = absl::AsciiStrToLower(value);
      ok = !q.area.empty();
    } else if (field == "overdue") {
      outreach::type::v1::Date d;
      ok = ParseDateKey(value, &d);
      q.overdue_as_of = value;
    } else {
      return InvalidField(
          "filter", absl::StrCat("cannot filter on '", field.substr(0, 50),
                                 "'; fields: event, addressee, kind, area, "
                                 "status, overdue"));
    }
    if (!ok) {
      return InvalidField("filter", absl::StrCat("'", value.substr(0, 100),
                                                 "' is not a valid ", field));
    }
  }
  const uint64_t fp = Fingerprint({req.filter()});
  if (!req.page_token().empty()) {
    auto parts = DecodePageToken(req.page_token(), fp, 2);
    if (!parts.ok()) return parts.status();
    RecommendationCursor cursor;
    if (!absl::SimpleAtoi((*parts)[0], &cursor.create_micros)) {
      return InvalidField("page_token", "is not a token this service issued");
    }
    cursor.id = (*parts)[1];
    q.after = std::move(cursor);
  }
  auto page = store_->List(q);
  if (!page.ok()) return page.status();
  v1::ListRecommendationsResponse out;
  for (auto& r : page->recommendations) {
    *out.add_recommendations() = WithEtag(std::move(r));
  }
  if (page->more && out.recommendations_size() > 0) {
    const auto& last = out.recommendations(out.recommendations_size() - 1);
    out.set_next_page_token(EncodePageToken(
        fp,
        {absl::StrCat(TimeUtil::TimestampToMicroseconds(last.create_time())),
         IdOf(last.name())}));
  }
  return out;
}

absl::StatusOr<v1::Recommendation> RecommendationManager::Create(
    const CallScope& scope, const v1::CreateRecommendationRequest& req) {
  FieldViolations v;
  if (!req.has_recommendation()) {
    v.Add("recommendation", "is required");
    return v.ToStatus("invalid recommendation");
  }
  v1::Recommendation r = req.recommendation();
  NormalizeAreas(r);
  Validate(r, v);
  if (!req.recommendation_id().empty() && !IsValidId(req.recommendation_id())) {
    v.Add(
        "recommendation_id",
        "must be 1-63 characters of a-z, 0-9 and '-', starting with a letter");
  }
  if (!req.request_id().empty() && !IsUuid(req.request_id())) {
    v.Add("request_id", "must be a UUID");
  }
  v.CheckText(req.actor(), kMaxShort, false, "actor");
  if (auto s = v.ToStatus("invalid recommendation"); !s.ok()) return s;
  if (auto s = CheckReferences(scope, r, true, true, true); !s.ok()) return s;

  const auto now =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock_->Now()));
  r.clear_history();
  r.clear_etag();
  r.set_status(InitialStatus(r.kind()));
  auto* first = r.add_history();
  first->set_status(r.status());
  *first->mutable_time() = now;
  first->set_actor(ActorOf(scope, req.actor()));
  first->set_note("recorded");
  *r.mutable_create_time() = now;
  *r.mutable_update_time() = now;

  v1::CreateRecommendationRequest fingerprint = req;
  fingerprint.clear_request_id();
  const std::string request_bytes = DeterministicBytes(fingerprint);
  const bool generated = req.recommendation_id().empty();
  const std::string base = generated ? Slugify(r.text(), "", 40, "outcome")
                                     : req.recommendation_id();
  for (int attempt = 1; attempt <= 50; ++attempt) {
    const std::string id =
        attempt == 1 ? base : WithNumberSuffix(base, attempt);
    r.set_name(absl::StrCat("recommendations/", id));
    auto created =
        store_->Create(r, req.request_id(), request_bytes,
                       AuditOf(scope, "CreateRecommendation", req.request_id()));
    if (created.status().code() == absl::StatusCode::kAlreadyExists &&
        generated) {
      continue;
    }
    if (!created.ok()) return created.status();
    if (!created->replayed)
      cache_->Invalidate(CacheKey(id), created->stored.revision);
    return WithEtag(std::move(created->stored));
  }
  return absl::AlreadyExistsError(
      absl::StrCat("no free id near '", base, "'; pass a recommendation_id"));
}

absl::StatusOr<v1::Recommendation> RecommendationManager::Update(
    const CallScope& scope, const v1::UpdateRecommendationRequest& req) {
  if (!req.has_recommendation())
    return InvalidField("recommendation", "is required");
  auto id = ParseName(req.recommendation().name(), "recommendation.name");
  if (!id.ok()) return id.status();
  int64_t expected = 0;
  if (!req.recommendation().etag().empty()) {
    auto revision =
        RevisionFromEtag(req.recommendation().etag(), "recommendation.etag");
    if (!revision.ok()) return revision.status();
    expected = *revision;
  }
  FieldViolations v;
  google::protobuf::FieldMask mask;
  if (!req.has_update_mask()) v.Add("update_mask", "is required");
  for (int i = 0; i < req.update_mask().paths_size(); ++i) {
    const std::string& path = req.update_mask().paths(i);
    const std::string f = absl::StrCat("update_mask.paths[", i, "]");
    if (WritablePaths().contains(path)) {
      mask.add_paths(path);
    } else if (path == "status" || path == "history") {
      v.Add(f, "status changes go through TransitionRecommendation");
    } else if (path == "kind" || path == "event") {
      v.Add(f, "cannot change once recorded");
    } else if (path != "name" && path != "etag" && path != "create_time" &&
               path != "update_time") {
      v.Add(f, absl::StrCat("'", path.substr(0, 100),
                            "' is not a field of "
                            "Recommendation"));
    }
  }
  if (auto s = v.ToStatus("invalid update"); !s.ok()) return s;
  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  for (int attempt = 1;; ++attempt) {
    auto current = store_->Get(*id);
    if (!current.ok()) return current.status();
    if (auto s = CheckVisible(scope, current->recommendation); !s.ok()) {
      return s;
    }
    if (expected != 0 && current->revision != expected) {
      return absl::AbortedError(absl::StrCat(
          req.recommendation().name(),
          " was changed by someone else; read it again and retry with its "
          "new etag"));
    }
    v1::Recommendation merged = current->recommendation;
    FieldMaskUtil::MergeMessageTo(req.recommendation(), mask, options, &merged);
    NormalizeAreas(merged);
    merged.clear_etag();
    Validate(merged, v);
    if (auto s = v.ToStatus("invalid recommendation"); !s.ok()) return s;
    const bool addressees_changed =
        absl::c_linear_search(mask.paths(), "addressees");
    const bool fulfilled_changed =
        absl::c_linear_search(mask.paths(), "fulfilled_by_event");
    if (auto s = CheckReferences(scope, merged, false, addressees_changed,
                                 fulfilled_changed);
        !s.ok()) {
      return s;
    }
    *merged.mutable_update_time() =
        TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock_->Now()));
    auto updated = store_->Update(merged, current->revision,
                                  AuditOf(scope, "UpdateRecommendation"));
    if (updated.status().code() == absl::StatusCode::kAborted &&
        expected == 0 && attempt < kMaxWriteAttempts) {
      continue;
    }
    if (!updated.ok()) return updated.status();
    cache_->Invalidate(CacheKey(*id), updated->revision);
    return WithEtag(std::move(*updated));
  }
}

absl::Status RecommendationManager::Delete(
    const CallScope& scope, const v1::DeleteRecommendationRequest& req) {
  auto id = ParseName(req.name(), "name");
  if (!id.ok()) return id.status();
  int64_t expected = 0;
  if (!req.etag().empty()) {
    auto revision = RevisionFromEtag(req.etag(), "etag");
    if (!revision.ok()) return revision.status();
    expected = *revision;
  }
  auto current = store_->Get(*id);
  if (!current.ok()) return current.status();
  if (auto s = CheckVisible(scope, current->recommendation); !s.ok()) {
    return s;
  }
  auto deleted_at =
      store_->Delete(*id, expected, AuditOf(scope, "DeleteRecommendation"));
  if (!deleted_at.ok()) return deleted_at.status();
  // At the revision the deletion took, as every write invalidates.
  cache_->Invalidate(CacheKey(*id), *deleted_at);
  return absl::OkStatus();
}

absl::StatusOr<v1::Recommendation> RecommendationManager::Transition(
    const CallScope& scope, const v1::TransitionRecommendationRequest& req) {
  FieldViolations v;
  auto id = ParseName(req.name(), "name");
  if (!id.ok()) return id.status();
  if (req.status() == v1::RECOMMENDATION_STATUS_UNSPECIFIED ||
      !v1::RecommendationStatus_IsValid(req.status())) {
    v.Add("status", "is required");
  }
  v.CheckText(req.actor(), kMaxShort, !scope.authenticated(), "actor");
  v.CheckText(req.note(), kMaxNote, false, "note");
  if (!req.fulfilled_by_event().empty() &&
      !IsResourceName(req.fulfilled_by_event(), "events/")) {
    v.Add("fulfilled_by_event", "is not of the form events/{event_id}");
  }
  int64_t expected = 0;
  if (!req.etag().empty()) {
    auto revision = RevisionFromEtag(req.etag(), "etag");
    if (!revision.ok()) {
      v.Add("etag", "is not an etag this service issued");
    } else {
      expected = *revision;
    }
  }
  if (!req.request_id().empty() && !IsUuid(req.request_id())) {
    v.Add("request_id", "must be a UUID");
  }
  if (auto s = v.ToStatus("invalid transition"); !s.ok()) return s;
  v1::TransitionRecommendationRequest fingerprint = req;
  fingerprint.clear_request_id();
  const std::string request_bytes = DeterministicBytes(fingerprint);
  for (int attempt = 1;; ++attempt) {
    // A retry of a change already made gets that change's result, not a
    // refusal to move from the status it moved to.
    if (!req.request_id().empty()) {
      auto replay = store_->Replay(req.request_id(), request_bytes);
      if (!replay.ok()) return replay.status();
      if (replay->has_value()) return WithEtag(std::move(**replay));
    }
    auto current = store_->Get(*id);
    if (!current.ok()) return current.status();
    if (auto s = CheckVisible(scope, current->recommendation); !s.ok()) {
      return s;
    }
    if (expected != 0 && current->revision != expected) {
      return absl::AbortedError(absl::StrCat(
          req.name(), " was changed by someone else; read it again and retry"));
    }
    v1::Recommendation r = std::move(current->recommendation);
    if (!IsAllowed(r.kind(), r.status(), req.status())) {
      std::vector<std::string> next;
      for (auto s : NextStatuses(r.kind(), r.status())) {
        next.push_back(v1::RecommendationStatus_Name(s));
      }
      return absl::FailedPreconditionError(absl::StrCat(
          "a ", v1::RecommendationKind_Name(r.kind()), " cannot move from ",
          v1::RecommendationStatus_Name(r.status()), " to ",
          v1::RecommendationStatus_Name(req.status()), "; allowed: ",
          next.empty() ? "none (final status)" : absl::StrJoin(next, ", ")));
    }
    if (!req.fulfilled_by_event().empty()) {
      if (!(r.kind() == v1::RECOMMENDATION_KIND_FOLLOW_UP &&
            req.status() == v1::RECOMMENDATION_STATUS_DONE)) {
        return InvalidField("fulfilled_by_event",
                            "is set only when a follow-up moves to DONE");
      }
      if (auto s = events_->CheckExists(scope, req.fulfilled_by_event());
          !s.ok()) {
        return s;
      }
      r.set_fulfilled_by_event(req.fulfilled_by_event());
    }
    const auto now =
        TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock_->Now()));
    r.set_status(req.status());
    auto* entry = r.add_history();
    entry->set_status(req.status());
    *entry->mutable_time() = now;
    entry->set_actor(ActorOf(scope, req.actor()));
    entry->set_note(req.note());
    *r.mutable_update_time() = now;
    auto updated = store_->Update(
        r, current->revision,
        AuditOf(scope, "TransitionRecommendation", req.request_id()),
        req.request_id(), request_bytes);
    if (updated.status().code() == absl::StatusCode::kAborted &&
        expected == 0 && attempt < kMaxWriteAttempts) {
      continue;
    }
    if (!updated.ok()) return updated.status();
    cache_->Invalidate(CacheKey(*id), updated->revision);
    return WithEtag(std::move(*updated));
  }
}

absl::StatusOr<v1::ListAuditRecordsResponse> RecommendationManager::ListAuditRecords(
    const v1::ListAuditRecordsRequest& req) {
  return outreach::ListAuditRecords<v1::ListAuditRecordsResponse>(
      req, [this](const AuditQuery& q) { return store_->ListAudit(q); });
}

}  // namespace outreach::recommendations
