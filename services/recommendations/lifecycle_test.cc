#include "services/recommendations/lifecycle.h"

#include "gtest/gtest.h"

namespace outreach::recommendations {
namespace {

using K = v1::RecommendationKind;
using S = v1::RecommendationStatus;

// The lifecycles as the README states them: each kind walks one path, and
// may leave it for an exit status from any step before the path's end
// ("proposed → adopted → in progress → implemented, or dropped"). The
// allowed moves are derived from that statement here, not copied from
// lifecycle.cc's table, and every (kind, from, to) is checked against them.
struct Lifecycle {
  K kind;
  std::vector<S> path;
  S exit;
};

std::vector<Lifecycle> AsDocumented() {
  return {
      {v1::RECOMMENDATION_KIND_RECOMMENDATION,
       {v1::RECOMMENDATION_STATUS_PROPOSED, v1::RECOMMENDATION_STATUS_ADOPTED,
        v1::RECOMMENDATION_STATUS_IN_PROGRESS,
        v1::RECOMMENDATION_STATUS_IMPLEMENTED},
       v1::RECOMMENDATION_STATUS_DROPPED},
      {v1::RECOMMENDATION_KIND_ASSISTANCE_NEED,
       {v1::RECOMMENDATION_STATUS_IDENTIFIED,
        v1::RECOMMENDATION_STATUS_REQUESTED,
        v1::RECOMMENDATION_STATUS_ACKNOWLEDGED,
        v1::RECOMMENDATION_STATUS_MATCHED,
        v1::RECOMMENDATION_STATUS_DELIVERED},
       v1::RECOMMENDATION_STATUS_CLOSED},
      {v1::RECOMMENDATION_KIND_FOLLOW_UP,
       {v1::RECOMMENDATION_STATUS_PROPOSED,
        v1::RECOMMENDATION_STATUS_SCHEDULED, v1::RECOMMENDATION_STATUS_DONE},
       v1::RECOMMENDATION_STATUS_DROPPED},
  };
}

bool DocumentedMove(K kind, S from, S to) {
  for (const Lifecycle& l : AsDocumented()) {
    if (l.kind != kind) continue;
    for (size_t i = 0; i + 1 < l.path.size(); ++i) {
      if (l.path[i] != from) continue;
      if (to == l.path[i + 1] || to == l.exit) return true;
    }
  }
  return false;
}

TEST(LifecycleTest, EveryMoveIsAllowedExactlyWhenTheLifecycleSaysSo) {
  const auto* kinds = v1::RecommendationKind_descriptor();
  const auto* statuses = v1::RecommendationStatus_descriptor();
  int allowed = 0;
  for (int k = 0; k < kinds->value_count(); ++k) {
    const K kind = static_cast<K>(kinds->value(k)->number());
    for (int f = 0; f < statuses->value_count(); ++f) {
      const S from = static_cast<S>(statuses->value(f)->number());
      for (int t = 0; t < statuses->value_count(); ++t) {
        const S to = static_cast<S>(statuses->value(t)->number());
        const bool expected = DocumentedMove(kind, from, to);
        EXPECT_EQ(IsAllowed(kind, from, to), expected)
            << v1::RecommendationKind_Name(kind) << " "
            << v1::RecommendationStatus_Name(from) << " -> "
            << v1::RecommendationStatus_Name(to);
        allowed += expected;
      }
    }
  }
  // 3 + 3 moves along the recommendation's path and exits, 4 + 4 for the
  // assistance need, 2 + 2 for the follow-up.
  EXPECT_EQ(allowed, 18);
}

TEST(LifecycleTest, EachKindStartsAtTheStartOfItsPath) {
  for (const Lifecycle& l : AsDocumented()) {
    EXPECT_EQ(InitialStatus(l.kind), l.path.front())
        << v1::RecommendationKind_Name(l.kind);
  }
}

TEST(LifecycleTest, StartsAndEnds) {
  EXPECT_EQ(InitialStatus(v1::RECOMMENDATION_KIND_ASSISTANCE_NEED),
            v1::RECOMMENDATION_STATUS_IDENTIFIED);
  EXPECT_EQ(InitialStatus(v1::RECOMMENDATION_KIND_FOLLOW_UP),
            v1::RECOMMENDATION_STATUS_PROPOSED);
  for (S s :
       {v1::RECOMMENDATION_STATUS_IMPLEMENTED,
        v1::RECOMMENDATION_STATUS_DROPPED, v1::RECOMMENDATION_STATUS_DELIVERED,
        v1::RECOMMENDATION_STATUS_CLOSED, v1::RECOMMENDATION_STATUS_DONE}) {
    EXPECT_TRUE(IsFinal(s));
    for (int k = 1; k <= 3; ++k) {
      EXPECT_TRUE(NextStatuses(static_cast<K>(k), s).empty());
    }
  }
  EXPECT_FALSE(BelongsTo(v1::RECOMMENDATION_KIND_FOLLOW_UP,
                         v1::RECOMMENDATION_STATUS_MATCHED));
  EXPECT_TRUE(BelongsTo(v1::RECOMMENDATION_KIND_FOLLOW_UP,
                        v1::RECOMMENDATION_STATUS_DONE));
}

}  // namespace
}  // namespace outreach::recommendations
