#ifndef OUTREACH_SERVICES_GATEWAY_FAKE_BACKENDS_H_
#define OUTREACH_SERVICES_GATEWAY_FAKE_BACKENDS_H_

// In-memory backends for the gateway's unit tests: the three clients of
// backend_clients.h over one shared state, with the contracts that matter
// to an import (ids taken, ids of deleted events never reused, request ids
// replayed) and failures injected by method.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/gateway/backend_clients.h"

namespace outreach::gateway::testing {

struct FakeState {
  std::map<std::string, ev::Event> events;
  std::set<std::string> deleted_events;
  std::map<std::string, pv::Participation> participations;
  std::map<std::string, rv::Recommendation> outcomes;
  // Printed names BatchCheckMemberships reports as not members, and that
  // ListParticipations' prepared checks list with no membership.
  std::set<std::string> non_members;
  // Whether ListParticipations answers include_membership_checks; false
  // plays a participants service that predates the field.
  bool prepares_membership_checks = true;
  // Entities GetEntity says NOT_FOUND for (every other one exists).
  std::set<std::string> missing_entities;
  // request id -> what it created, for replays.
  std::map<std::string, std::vector<std::string>> ledger;
  // Method name -> the failures its next calls return, in order.
  std::map<std::string, std::vector<absl::Status>> failures;
  // Every call, "Method name".
  std::vector<std::string> calls;
  // Fails the call when a failure is queued for `method`.
  absl::Status Enter(const std::string& method, const std::string& what = "") {
    calls.push_back(absl::StrCat(method, " ", what));
    auto it = failures.find(method);
    if (it == failures.end() || it->second.empty()) return absl::OkStatus();
    absl::Status s = it->second.front();
    it->second.erase(it->second.begin());
    return s;
  }
  int Count(const std::string& method) const {
    int n = 0;
    for (const auto& c : calls) n += absl::StartsWith(c, method + " ");
    return n;
  }
};

class FakeEvents : public EventsClient {
 public:
  explicit FakeEvents(FakeState* s) : s_(s) {}
  absl::StatusOr<ev::Event> Get(const CallScope&,
                                const std::string& name) override {
    if (auto st = s_->Enter("GetEvent", name); !st.ok()) return st;
    auto it = s_->events.find(name);
    if (it == s_->events.end()) return absl::NotFoundError(name);
    return it->second;
  }
  absl::StatusOr<ev::BatchGetEventsResponse> BatchGet(
      const CallScope&, const std::vector<std::string>& names) override {
    if (auto st = s_->Enter("BatchGetEvents", absl::StrJoin(names, ","));
        !st.ok()) {
      return st;
    }
    ev::BatchGetEventsResponse out;
    for (const auto& name : names) {
      auto it = s_->events.find(name);
      if (it == s_->events.end()) return absl::NotFoundError(name);
      *out.add_events() = it->second;
    }
    return out;
  }
  absl::StatusOr<ev::SummarizeEventsResponse> Summarize(
      const CallScope&) override {
    if (auto st = s_->Enter("SummarizeEvents"); !st.ok()) return st;
    std::map<std::string, int64_t> years, kinds, countries;
    for (const auto& [name, e] : s_->events) {
      ++years[absl::StrCat(e.start_date().year())];
      ++kinds[ev::EventKind_Name(e.kind())];
      if (!e.venue().country_code().empty()) {
        ++countries[e.venue().country_code()];
      }
    }
    ev::SummarizeEventsResponse out;
    out.set_event_count(static_cast<int64_t>(s_->events.size()));
    auto add = [](const std::map<std::string, int64_t>& m, auto* list) {
      for (const auto& [k, n] : m) {
        auto* c = list->Add();
        c->set_key(k);
        c->set_count(n);
      }
    };
    add(years, out.mutable_by_year());
    add(kinds, out.mutable_by_kind());
    add(countries, out.mutable_by_country());
    return out;
  }
  absl::StatusOr<ev::ListEventsResponse> List(
      const CallScope&, const ev::ListEventsRequest&) override {
    if (auto st = s_->Enter("ListEvents"); !st.ok()) return st;
    ev::ListEventsResponse out;
    for (const auto& [name, e] : s_->events) *out.add_events() = e;
    return out;
  }
  absl::StatusOr<ev::Event> Create(const CallScope&,
                                   const ev::CreateEventRequest& req) override {
    const std::string name = absl::StrCat("events/", req.event_id());
    if (auto st = s_->Enter("CreateEvent", name); !st.ok()) return st;
    ev::Event e = req.event();
    e.set_name(name);
    if (req.validate_only()) return e;
    if (auto it = s_->ledger.find(req.request_id());
        !req.request_id().empty() && it != s_->ledger.end() &&
        s_->events.count(it->second[0]) > 0) {
      return s_->events[it->second[0]];
    }
    if (s_->events.count(name) > 0 || s_->deleted_events.count(name) > 0) {
      return absl::AlreadyExistsError(name);
    }
    s_->events[name] = e;
    if (!req.request_id().empty()) s_->ledger[req.request_id()] = {name};
    return e;
  }
  absl::StatusOr<ev::Event> Update(const CallScope&,
                                   const ev::UpdateEventRequest& req) override {
    if (auto st = s_->Enter("UpdateEvent", req.event().name()); !st.ok()) {
      return st;
    }
    auto it = s_->events.find(req.event().name());
    if (it == s_->events.end()) return absl::NotFoundError(req.event().name());
    // The importer's only update: note_import.state.
    it->second.mutable_note_import()->set_state(
        req.event().note_import().state());
    return it->second;
  }
  absl::Status Delete(const CallScope&,
                      const ev::DeleteEventRequest& req) override {
    if (auto st = s_->Enter("DeleteEvent", req.name()); !st.ok()) return st;
    if (s_->events.erase(req.name()) == 0) return absl::NotFoundError("");
    s_->deleted_events.insert(req.name());
    return absl::OkStatus();
  }

 private:
  FakeState* const s_;
};

// Every name resolves: to entities/{lower-case name}; States named in
// `countries` get their ISO code.
class FakeParticipants : public ParticipantsClient {
 public:
  explicit FakeParticipants(FakeState* s) : s_(s) {}
  std::map<std::string, std::string> countries = {
      {"Ukraine", "UA"}, {"Albania", "AL"}, {"Moldova", "MD"}};

  absl::StatusOr<pv::ResolveEntitiesResponse> Resolve(
      const CallScope&, const pv::ResolveEntitiesRequest& req) override {
    if (auto st = s_->Enter("ResolveEntities"); !st.ok()) return st;
    // As the participants service: an ask needs a name.
    if (req.names_size() == 0) {
      return absl::InvalidArgumentError("names: is required");
    }
    pv::ResolveEntitiesResponse out;
    for (const auto& q : req.names()) {
      auto* r = out.add_resolutions();
      r->set_printed_name(q.printed_name());
      r->set_state(pv::RESOLUTION_STATE_RESOLVED);
      std::string id = absl::AsciiStrToLower(q.printed_name());
      for (char& c : id) {
        if (!absl::ascii_isalnum(c)) c = '-';
      }
      r->mutable_entity()->set_name(absl::StrCat("entities/", id));
      if (auto it = countries.find(q.printed_name()); it != countries.end()) {
        r->mutable_entity()->set_iso_alpha2(it->second);
      }
    }
    return out;
  }
  // Records each check as "group:names"; reports the names in
  // `non_members` as mismatches.
  absl::StatusOr<pv::BatchCheckMembershipsResponse> BatchCheckMemberships(
      const CallScope&, const pv::BatchCheckMembershipsRequest& req) override {
    std::vector<std::string> checks;
    for (const auto& r : req.requests()) {
      checks.push_back(
          absl::StrCat(r.printed_group(), ":", r.printed_names_size()));
    }
    if (auto st =
            s_->Enter("BatchCheckMemberships", absl::StrJoin(checks, ","));
        !st.ok()) {
      return st;
    }
    pv::BatchCheckMembershipsResponse out;
    for (const auto& r : req.requests()) {
      auto* one = out.add_responses();
      for (const auto& n : r.printed_names()) {
        if (s_->non_members.count(n) > 0) {
          one->add_mismatches()->set_printed_name(n);
        }
      }
    }
    return out;
  }
  absl::StatusOr<pv::Entity> GetEntity(const CallScope&,
                                       const std::string& name) override {
    if (auto st = s_->Enter("GetEntity", name); !st.ok()) return st;
    if (s_->missing_entities.count(name) > 0) return absl::NotFoundError(name);
    pv::Entity e;
    e.set_name(name);
    return e;
  }
  absl::StatusOr<pv::ListParticipationsResponse> ListParticipations(
      const CallScope&, const pv::ListParticipationsRequest& req) override {
    if (auto st = s_->Enter("ListParticipations"); !st.ok()) return st;
    pv::ListParticipationsResponse out;
    for (const auto& [name, p] : s_->participations) {
      if (req.parent() == "events/-" ||
          absl::StartsWith(name, req.parent() + "/")) {
        *out.add_participations() = p;
      }
    }
    if (req.include_membership_checks() && s_->prepares_membership_checks) {
      // One check per run of a non-empty label; every listed name is an
      // OSCE participating State at any date, but the non-members.
      const auto& parts = out.participations();
      for (int i = 0; i < parts.size(); ++i) {
        const std::string& label = parts[i].printed_group();
        if (label.empty()) continue;
        if (i == 0 || parts[i - 1].printed_group() != label) {
          auto* check = out.add_membership_checks();
          check->set_printed_group(label);
          check->add_groups(pv::MEMBERSHIP_GROUP_OSCE_PARTICIPATING_STATE);
        }
        auto* listed = out.mutable_membership_checks()
                           ->rbegin()
                           ->add_listed_states();
        listed->set_printed_name(parts[i].printed_name());
        if (s_->non_members.count(parts[i].printed_name()) == 0) {
          listed->add_memberships()->set_group(
              pv::MEMBERSHIP_GROUP_OSCE_PARTICIPATING_STATE);
        }
      }
    }
    return out;
  }
  absl::StatusOr<pv::SummarizeParticipationsResponse> Summarize(
      const CallScope&) override {
    if (auto st = s_->Enter("SummarizeParticipations"); !st.ok()) return st;
    std::map<std::string, int64_t> by_entity;
    for (const auto& [name, p] : s_->participations) {
      if (!p.entity().empty()) ++by_entity[p.entity()];
    }
    pv::SummarizeParticipationsResponse out;
    out.set_participation_count(
        static_cast<int64_t>(s_->participations.size()));
    for (const auto& [entity, n] : by_entity) {
      auto* c = out.add_by_entity();
      c->set_entity(entity);
      c->set_count(n);
    }
    return out;
  }
  // All or none, with the request id replayed.
  absl::StatusOr<pv::BatchCreateParticipationsResponse>
  BatchCreateParticipations(
      const CallScope&,
      const pv::BatchCreateParticipationsRequest& req) override {
    if (auto st = s_->Enter("BatchCreateParticipations", req.parent());
        !st.ok()) {
      return st;
    }
    pv::BatchCreateParticipationsResponse out;
    if (auto it = s_->ledger.find(req.request_id());
        !req.request_id().empty() && it != s_->ledger.end()) {
      for (const auto& name : it->second) {
        *out.add_participations() = s_->participations[name];
      }
      return out;
    }
    if (s_->events.count(req.parent()) == 0) {
      return absl::FailedPreconditionError(req.parent());
    }
    std::vector<std::string> names;
    for (const auto& r : req.requests()) {
      const std::string name =
          absl::StrCat(req.parent(), "/participations/", r.participation_id());
      if (s_->participations.count(name) > 0) {
        return absl::AlreadyExistsError(name);
      }
      names.push_back(name);
    }
    for (int i = 0; i < req.requests_size(); ++i) {
      pv::Participation p = req.requests(i).participation();
      p.set_name(names[i]);
      s_->participations[names[i]] = p;
      *out.add_participations() = p;
    }
    if (!req.request_id().empty()) s_->ledger[req.request_id()] = names;
    return out;
  }

 private:
  FakeState* const s_;
};

class FakeRecommendations : public RecommendationsClient {
 public:
  explicit FakeRecommendations(FakeState* s) : s_(s) {}
  absl::StatusOr<rv::Recommendation> Get(const CallScope&,
                                         const std::string& name) override {
    if (auto st = s_->Enter("GetRecommendation", name); !st.ok()) return st;
    auto it = s_->outcomes.find(name);
    if (it == s_->outcomes.end()) return absl::NotFoundError(name);
    return it->second;
  }
  absl::StatusOr<rv::ListRecommendationsResponse> List(
      const CallScope&, const rv::ListRecommendationsRequest&) override {
    if (auto st = s_->Enter("ListRecommendations"); !st.ok()) return st;
    rv::ListRecommendationsResponse out;
    for (const auto& [name, r] : s_->outcomes) *out.add_recommendations() = r;
    return out;
  }
  absl::StatusOr<rv::SummarizeRecommendationsResponse> Summarize(
      const CallScope&) override {
    if (auto st = s_->Enter("SummarizeRecommendations"); !st.ok()) return st;
    std::map<rv::RecommendationStatus, int64_t> by_status;
    std::map<std::pair<std::string, rv::RecommendationStatus>, int64_t> by_area;
    for (const auto& [name, r] : s_->outcomes) {
      ++by_status[r.status()];
      for (const auto& a : r.areas()) ++by_area[{a, r.status()}];
      if (r.areas().empty()) ++by_area[{"", r.status()}];
    }
    rv::SummarizeRecommendationsResponse out;
    out.set_recommendation_count(static_cast<int64_t>(s_->outcomes.size()));
    for (const auto& [status, n] : by_status) {
      auto* c = out.add_by_status();
      c->set_status(status);
      c->set_count(n);
    }
    for (const auto& [key, n] : by_area) {
      auto* c = out.add_by_area_and_status();
      c->set_area(key.first);
      c->set_status(key.second);
      c->set_count(n);
    }
    return out;
  }
  absl::StatusOr<rv::Recommendation> Create(
      const CallScope&, const rv::CreateRecommendationRequest& req) override {
    const std::string name =
        absl::StrCat("recommendations/", req.recommendation_id());
    if (auto st = s_->Enter("CreateRecommendation", name); !st.ok()) {
      return st;
    }
    if (auto it = s_->ledger.find(req.request_id());
        !req.request_id().empty() && it != s_->ledger.end()) {
      return s_->outcomes[it->second[0]];
    }
    if (s_->outcomes.count(name) > 0) return absl::AlreadyExistsError(name);
    if (s_->events.count(req.recommendation().event()) == 0) {
      return absl::FailedPreconditionError(req.recommendation().event());
    }
    rv::Recommendation r = req.recommendation();
    r.set_name(name);
    s_->outcomes[name] = r;
    if (!req.request_id().empty()) s_->ledger[req.request_id()] = {name};
    return r;
  }
  absl::StatusOr<rv::Recommendation> Transition(
      const CallScope&,
      const rv::TransitionRecommendationRequest& req) override {
    if (auto st = s_->Enter("TransitionRecommendation", req.name()); !st.ok()) {
      return st;
    }
    auto it = s_->outcomes.find(req.name());
    if (it == s_->outcomes.end()) return absl::NotFoundError(req.name());
    it->second.set_status(req.status());
    return it->second;
  }

 private:
  FakeState* const s_;
};

}  // namespace outreach::gateway::testing

#endif  // OUTREACH_SERVICES_GATEWAY_FAKE_BACKENDS_H_
