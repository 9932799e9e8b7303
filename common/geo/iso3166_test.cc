#include "common/geo/iso3166.h"

#include "gtest/gtest.h"

namespace outreach {
namespace {

TEST(CountryRegistryTest, LoadsIsoCodes) {
  auto registry = CountryRegistry::Load();
  ASSERT_TRUE(registry.ok()) << registry.status();
  EXPECT_GE((*registry)->countries().size(), 240u);
  const Country* ua = (*registry)->FindByAlpha2("UA");
  ASSERT_NE(ua, nullptr);
  EXPECT_EQ(ua->alpha_3, "UKR");
  EXPECT_EQ(ua->numeric, "804");
  EXPECT_EQ((*registry)->FindByAlpha2("XX"), nullptr);
  EXPECT_EQ((*registry)->FindByAlpha2("ua"), nullptr);
}

TEST(CountryRegistryTest, MissingFileIsNotFound) {
  EXPECT_EQ(CountryRegistry::Load("/nonexistent.json").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace outreach
