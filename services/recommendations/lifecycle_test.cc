#include "services/recommendations/lifecycle.h"

#include "gtest/gtest.h"

namespace outreach::recommendations {
namespace {

using K = v1::RecommendationKind;
using S = v1::RecommendationStatus;

// Every (kind, from, to) is either in this table or refused.
TEST(LifecycleTest, WholeTable) {
  struct Row {
    K kind;
    S from;
    S to;
  };
  const std::vector<Row> allowed = {
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
  int allowed_count = 0;
  for (int k = 1; k <= 3; ++k) {
    for (int f = 0; f <= 13; ++f) {
      for (int t = 0; t <= 13; ++t) {
        const K kind = static_cast<K>(k);
        const S from = static_cast<S>(f);
        const S to = static_cast<S>(t);
        bool expected = false;
        for (const Row& r : allowed) {
          expected |= r.kind == kind && r.from == from && r.to == to;
        }
        EXPECT_EQ(IsAllowed(kind, from, to), expected)
            << v1::RecommendationKind_Name(kind) << " "
            << v1::RecommendationStatus_Name(from) << " -> "
            << v1::RecommendationStatus_Name(to);
        allowed_count += IsAllowed(kind, from, to);
      }
    }
  }
  EXPECT_EQ(allowed_count, static_cast<int>(allowed.size()));
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
