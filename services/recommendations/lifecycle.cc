#include "services/recommendations/lifecycle.h"

#include <algorithm>
#include <utility>

namespace outreach::recommendations {
namespace {

using S = v1::RecommendationStatus;

struct Move {
  v1::RecommendationKind kind;
  S from;
  S to;
};

const std::vector<Move>& Moves() {
  static const auto* const kMoves = new std::vector<Move>{
      {v1::RECOMMENDATION_KIND_RECOMMENDATION,
       v1::RECOMMENDATION_STATUS_PROPOSED, v1::RECOMMENDATION_STATUS_ADOPTED},
      {v1::RECOMMENDATION_KIND_RECOMMENDATION,
       v1::RECOMMENDATION_STATUS_ADOPTED,
       v1::RECOMMENDATION_STATUS_IN_PROGRESS},
      {v1::RECOMMENDATION_KIND_RECOMMENDATION,
       v1::RECOMMENDATION_STATUS_IN_PROGRESS,
       v1::RECOMMENDATION_STATUS_IMPLEMENTED},
      {v1::RECOMMENDATION_KIND_RECOMMENDATION,
       v1::RECOMMENDATION_STATUS_PROPOSED, v1::RECOMMENDATION_STATUS_DROPPED},
      {v1::RECOMMENDATION_KIND_RECOMMENDATION,
       v1::RECOMMENDATION_STATUS_ADOPTED, v1::RECOMMENDATION_STATUS_DROPPED},
      {v1::RECOMMENDATION_KIND_RECOMMENDATION,
       v1::RECOMMENDATION_STATUS_IN_PROGRESS,
       v1::RECOMMENDATION_STATUS_DROPPED},

      {v1::RECOMMENDATION_KIND_ASSISTANCE_NEED,
       v1::RECOMMENDATION_STATUS_IDENTIFIED,
       v1::RECOMMENDATION_STATUS_REQUESTED},
      {v1::RECOMMENDATION_KIND_ASSISTANCE_NEED,
       v1::RECOMMENDATION_STATUS_REQUESTED,
       v1::RECOMMENDATION_STATUS_ACKNOWLEDGED},
      {v1::RECOMMENDATION_KIND_ASSISTANCE_NEED,
       v1::RECOMMENDATION_STATUS_ACKNOWLEDGED,
       v1::RECOMMENDATION_STATUS_MATCHED},
      {v1::RECOMMENDATION_KIND_ASSISTANCE_NEED,
       v1::RECOMMENDATION_STATUS_MATCHED, v1::RECOMMENDATION_STATUS_DELIVERED},
      {v1::RECOMMENDATION_KIND_ASSISTANCE_NEED,
       v1::RECOMMENDATION_STATUS_IDENTIFIED, v1::RECOMMENDATION_STATUS_CLOSED},
      {v1::RECOMMENDATION_KIND_ASSISTANCE_NEED,
       v1::RECOMMENDATION_STATUS_REQUESTED, v1::RECOMMENDATION_STATUS_CLOSED},
      {v1::RECOMMENDATION_KIND_ASSISTANCE_NEED,
       v1::RECOMMENDATION_STATUS_ACKNOWLEDGED,
       v1::RECOMMENDATION_STATUS_CLOSED},
      {v1::RECOMMENDATION_KIND_ASSISTANCE_NEED,
       v1::RECOMMENDATION_STATUS_MATCHED, v1::RECOMMENDATION_STATUS_CLOSED},

      {v1::RECOMMENDATION_KIND_FOLLOW_UP, v1::RECOMMENDATION_STATUS_PROPOSED,
       v1::RECOMMENDATION_STATUS_SCHEDULED},
      {v1::RECOMMENDATION_KIND_FOLLOW_UP, v1::RECOMMENDATION_STATUS_SCHEDULED,
       v1::RECOMMENDATION_STATUS_DONE},
      {v1::RECOMMENDATION_KIND_FOLLOW_UP, v1::RECOMMENDATION_STATUS_PROPOSED,
       v1::RECOMMENDATION_STATUS_DROPPED},
      {v1::RECOMMENDATION_KIND_FOLLOW_UP, v1::RECOMMENDATION_STATUS_SCHEDULED,
       v1::RECOMMENDATION_STATUS_DROPPED},
  };
  return *kMoves;
}

}  // namespace

v1::RecommendationStatus InitialStatus(v1::RecommendationKind kind) {
  switch (kind) {
    case v1::RECOMMENDATION_KIND_RECOMMENDATION:
    case v1::RECOMMENDATION_KIND_FOLLOW_UP:
      return v1::RECOMMENDATION_STATUS_PROPOSED;
    case v1::RECOMMENDATION_KIND_ASSISTANCE_NEED:
      return v1::RECOMMENDATION_STATUS_IDENTIFIED;
    default:
      return v1::RECOMMENDATION_STATUS_UNSPECIFIED;
  }
}

bool IsAllowed(v1::RecommendationKind kind, S from, S to) {
  return std::any_of(Moves().begin(), Moves().end(), [&](const Move& m) {
    return m.kind == kind && m.from == from && m.to == to;
  });
}

std::vector<S> NextStatuses(v1::RecommendationKind kind, S from) {
  std::vector<S> out;
  for (const Move& m : Moves()) {
    if (m.kind == kind && m.from == from) out.push_back(m.to);
  }
  return out;
}

bool IsFinal(S status) {
  switch (status) {
    case v1::RECOMMENDATION_STATUS_IMPLEMENTED:
    case v1::RECOMMENDATION_STATUS_DROPPED:
    case v1::RECOMMENDATION_STATUS_DELIVERED:
    case v1::RECOMMENDATION_STATUS_CLOSED:
    case v1::RECOMMENDATION_STATUS_DONE:
      return true;
    default:
      return false;
  }
}

bool BelongsTo(v1::RecommendationKind kind, S status) {
  if (status == InitialStatus(kind)) return true;
  return std::any_of(Moves().begin(), Moves().end(), [&](const Move& m) {
    return m.kind == kind && (m.to == status || m.from == status);
  });
}

}  // namespace outreach::recommendations
