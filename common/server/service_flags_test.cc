#include "common/server/service_flags.h"

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

ABSL_FLAG(absl::Duration, test_old_timeout, absl::Seconds(2),
          "Deprecated: use --test_new_timeout.");
ABSL_FLAG(absl::Duration, test_new_timeout, absl::Seconds(2), "The new one.");

ABSL_DECLARE_FLAG(int64_t, memory_quota_bytes);

namespace outreach {
namespace {

constexpr FlagAlias kAliases[] = {{"test_old_timeout", "test_new_timeout"}};

TEST(ServiceFlagsTest, ADeprecatedFlagSetsItsReplacement) {
  absl::FlagSaver saver;
  absl::SetFlag(&FLAGS_test_old_timeout, absl::Seconds(7));
  ASSERT_TRUE(ApplyDeprecatedAliases(kAliases).ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_test_new_timeout), absl::Seconds(7));
}

TEST(ServiceFlagsTest, TheReplacementWinsWhenBothAreSet) {
  absl::FlagSaver saver;
  absl::SetFlag(&FLAGS_test_old_timeout, absl::Seconds(7));
  absl::SetFlag(&FLAGS_test_new_timeout, absl::Seconds(3));
  ASSERT_TRUE(ApplyDeprecatedAliases(kAliases).ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_test_new_timeout), absl::Seconds(3));
}

TEST(ServiceFlagsTest, NothingChangesWhenTheOldFlagIsUnset) {
  absl::FlagSaver saver;
  ASSERT_TRUE(ApplyDeprecatedAliases(kAliases).ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_test_new_timeout), absl::Seconds(2));
}

TEST(ServiceFlagsTest, AnUnknownFlagIsInvalidArgument) {
  constexpr FlagAlias kBad[] = {{"no_such_flag", "test_new_timeout"}};
  EXPECT_EQ(ApplyDeprecatedAliases(kBad).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ServiceFlagsTest, ABadBoundIsRefusedNamingTheFlag) {
  absl::FlagSaver saver;
  absl::SetFlag(&FLAGS_memory_quota_bytes, int64_t{1000});
  Metrics metrics;
  auto base = ServiceBaseFromFlags(0, 0, &metrics);
  ASSERT_FALSE(base.ok());
  EXPECT_EQ(base.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(base.status().message().find("--memory_quota_bytes"),
            std::string::npos);
}

}  // namespace
}  // namespace outreach
