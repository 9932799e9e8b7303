#include "common/config/env_flags.h"

#include <cstdlib>

#include "absl/flags/flag.h"
#include "gtest/gtest.h"

// Defined here for the test only; real flags live beside main().
ABSL_FLAG(int, env_flags_test_port, 1, "test flag");

namespace outreach {
namespace {

TEST(EnvFlagsTest, NameMapping) {
  EXPECT_EQ(EnvVarForFlag("redis_address"), "OUTREACH_REDIS_ADDRESS");
}

TEST(EnvFlagsTest, EnvironmentOverridesDefault) {
  setenv("OUTREACH_ENV_FLAGS_TEST_PORT", "8089", 1);
  ASSERT_TRUE(ApplyEnvironmentOverrides().ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_env_flags_test_port), 8089);
  unsetenv("OUTREACH_ENV_FLAGS_TEST_PORT");
}

TEST(EnvFlagsTest, BadValueNamesTheVariable) {
  setenv("OUTREACH_ENV_FLAGS_TEST_PORT", "eighty", 1);
  absl::Status s = ApplyEnvironmentOverrides();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("OUTREACH_ENV_FLAGS_TEST_PORT"),
            std::string::npos);
  unsetenv("OUTREACH_ENV_FLAGS_TEST_PORT");
}

}  // namespace
}  // namespace outreach
