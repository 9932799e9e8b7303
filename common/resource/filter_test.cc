#include "common/resource/filter.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outreach {
namespace {

using ::testing::HasSubstr;

TEST(FilterTest, RestrictionsJoinedByAnd) {
  auto r = ParseFilterRestrictions(
      R"(kind = STATE AND text : "korea AND japan" AND due<="2014-06-30")");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].field, "kind");
  EXPECT_EQ((*r)[0].op, FilterOp::kEq);
  EXPECT_EQ((*r)[0].value, "STATE");
  // An "AND" inside a string is text, not a join.
  EXPECT_EQ((*r)[1].op, FilterOp::kHas);
  EXPECT_EQ((*r)[1].value, "korea AND japan");
  EXPECT_EQ((*r)[2].op, FilterOp::kLe);
  EXPECT_EQ((*r)[2].value, "2014-06-30");
}

TEST(FilterTest, EscapesInStrings) {
  auto r = ParseFilterRestrictions(R"(actor = "say \"hi\" \\ bye")");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)[0].value, R"(say "hi" \ bye)");
}

TEST(FilterTest, EmptyIsNoRestriction) {
  auto r = ParseFilterRestrictions("   ");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(FilterTest, WhatIsNotSupportedIsRefusedNotMisread) {
  for (const char* bad :
       {"kind = STATE OR kind = ORGANIZATION", "(kind = STATE)",
        "NOT kind = STATE", "kind = \"STATE", "kind STATE", "kind =",
        "kind = STATE AND", "kind ! STATE", "= STATE", "kind = STATE and x = y",
        "kind = a b"}) {
    auto r = ParseFilterRestrictions(bad);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(FilterTest, OperatorsAreCheckedPerField) {
  auto r = ParseFilterRestrictions("status < PROPOSED");
  ASSERT_TRUE(r.ok());
  absl::Status s = RequireFilterOps((*r)[0], {FilterOp::kEq});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("'status' takes =, not <"));
}

TEST(FilterTest, TheSizeLimitHoldsAndAFullFilterIsFast) {
  EXPECT_EQ(ParseFilterRestrictions(std::string(kMaxFilterBytes + 1, 'a'))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  // One repeated character, at the limit, each shape: answered at once.
  for (char c : {'a', '"', '=', '\\', '('}) {
    auto r = ParseFilterRestrictions(std::string(kMaxFilterBytes, c));
    EXPECT_FALSE(r.ok()) << c;
  }
  // Only spaces: no restriction at all.
  auto spaces = ParseFilterRestrictions(std::string(kMaxFilterBytes, ' '));
  ASSERT_TRUE(spaces.ok());
  EXPECT_TRUE(spaces->empty());
}

}  // namespace
}  // namespace outreach
