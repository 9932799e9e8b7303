#include "common/config/env_flags.h"

#include <cstdio>
#include <cstdlib>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace outreach {
namespace {

// Only flags defined by Outreach's own files are read from the environment;
// library flags (Abseil's, gRPC's) keep their own rules.
bool IsOwnFlag(const absl::CommandLineFlag& flag) {
  const std::string file = flag.Filename();
  return absl::StrContains(file, "services/") ||
         absl::StrContains(file, "tools/") ||
         absl::StrContains(file, "tests/") ||
         absl::StrContains(file, "common/");
}

}  // namespace

std::string EnvVarForFlag(absl::string_view flag_name) {
  return absl::StrCat("OUTREACH_", absl::AsciiStrToUpper(flag_name));
}

absl::Status ApplyEnvironmentOverrides() {
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (!IsOwnFlag(*flag)) continue;
    const std::string var = EnvVarForFlag(name);
    const char* value = std::getenv(var.c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("environment variable ", var, "='", value,
                       "' is not a valid --", name, ": ", error));
    }
  }
  return absl::OkStatus();
}

std::vector<char*> ParseFlagsWithEnv(int argc, char** argv,
                                     absl::string_view usage) {
  absl::SetProgramUsageMessage(usage);
  if (absl::Status s = ApplyEnvironmentOverrides(); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    std::exit(2);
  }
  return absl::ParseCommandLine(argc, argv);
}

}  // namespace outreach
