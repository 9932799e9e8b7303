#include "services/events/list_query.h"

#include "common/status/status_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outreach::events {
namespace {

TEST(ParseFilterTest, Empty) {
  auto terms = ParseFilter("  ");
  ASSERT_TRUE(terms.ok());
  EXPECT_TRUE(terms->empty());
}

TEST(ParseFilterTest, Conjunction) {
  auto terms = ParseFilter(
      "kind = REGIONAL_WORKSHOP AND country = \"ua\" AND "
      "start_date >= \"2013-01-01\" AND topic = \"Export Control\" AND "
      "text : kiev");
  ASSERT_TRUE(terms.ok()) << terms.status();
  ASSERT_EQ(terms->size(), 5u);
  EXPECT_EQ((*terms)[0].field, FilterField::kKind);
  EXPECT_EQ((*terms)[0].number, 1);
  EXPECT_EQ((*terms)[1].value, "UA");
  EXPECT_EQ((*terms)[2].op, FilterOp::kGe);
  EXPECT_EQ((*terms)[3].value, "export control");
  EXPECT_EQ((*terms)[4].op, FilterOp::kHas);
}

TEST(ParseFilterTest, FullEnumNames) {
  auto terms = ParseFilter("kind = EVENT_KIND_COUNTRY_VISIT");
  ASSERT_TRUE(terms.ok());
  EXPECT_EQ((*terms)[0].number, 5);
}

TEST(ParseFilterTest, ErrorsNameTheFilterField) {
  for (const char* bad :
       {"kind", "kind =", "colour = red", "kind = PICNIC",
        "start_date > 2013-13-01", "kind = HELD OR status = HELD",
        "text : \"open", "kind ~ x", "start_date : 2013-01-01"}) {
    auto terms = ParseFilter(bad);
    ASSERT_FALSE(terms.ok()) << bad;
    EXPECT_EQ(terms.status().code(), absl::StatusCode::kInvalidArgument);
    auto v = GetFieldViolations(terms.status());
    ASSERT_EQ(v.size(), 1u) << bad;
    EXPECT_EQ(v[0].field, "filter");
  }
}

TEST(ParseOrderByTest, Fields) {
  auto order = ParseOrderBy("");
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(order->field, OrderField::kStartDate);
  EXPECT_TRUE(order->descending);
  order = ParseOrderBy("title");
  ASSERT_TRUE(order.ok());
  EXPECT_FALSE(order->descending);
  order = ParseOrderBy("create_time desc");
  ASSERT_TRUE(order.ok());
  EXPECT_TRUE(order->descending);
  EXPECT_FALSE(ParseOrderBy("colour").ok());
  EXPECT_FALSE(ParseOrderBy("title sideways").ok());
}

TEST(PageTokenTest, RoundTripAndBinding) {
  const uint64_t fp = QueryFingerprint("kind = TRAINING", "");
  const std::string token = EncodePageToken(fp, {"2013-11-05", "kiev"});
  auto cursor = DecodePageToken(token, fp);
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(cursor->sort_value, "2013-11-05");
  EXPECT_EQ(cursor->id, "kiev");
  EXPECT_FALSE(DecodePageToken(token, QueryFingerprint("", "")).ok());
  EXPECT_FALSE(DecodePageToken("garbage!", fp).ok());
}

TEST(BuildListQueryTest, PageSizes) {
  EXPECT_EQ(BuildListQuery(0, "", "", "")->page_size, kDefaultPageSize);
  EXPECT_EQ(BuildListQuery(5000, "", "", "")->page_size, kMaxPageSize);
  auto bad = BuildListQuery(-1, "", "", "");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(GetFieldViolations(bad.status())[0].field, "page_size");
}

}  // namespace
}  // namespace outreach::events
