#include "common/config/env_flags.h"

#include <algorithm>
#include <cstdio>
#include <vector>
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

void PrintHelp(absl::string_view usage) {
  std::vector<const absl::CommandLineFlag*> own;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (IsOwnFlag(*flag)) own.push_back(flag);
  }
  std::sort(own.begin(), own.end(), [](const auto* a, const auto* b) {
    return a->Name() < b->Name();
  });
  std::printf("%s\n\nFlags (each may also be set in the environment as "
              "OUTREACH_<FLAG>; the command line wins):\n",
              std::string(usage).c_str());
  for (const auto* flag : own) {
    std::printf("  --%s (default: %s)\n      %s\n",
                std::string(flag->Name()).c_str(),
                flag->DefaultValue().empty() ? "\"\""
                                             : flag->DefaultValue().c_str(),
                flag->Help().c_str());
  }
}

std::vector<char*> ParseFlagsWithEnv(int argc, char** argv,
                                     absl::string_view usage) {
  absl::SetProgramUsageMessage(usage);
  // --help lists this binary's own flags and their defaults, and exits 0
  // (Abseil's lists only flags of a file named after the binary, and exits
  // 1). --helpfull still shows every flag, Abseil's included.
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "--help" || arg == "-help" || arg == "-h") {
      PrintHelp(usage);
      std::exit(0);
    }
  }
  if (absl::Status s = ApplyEnvironmentOverrides(); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    std::exit(2);
  }
  return absl::ParseCommandLine(argc, argv);
}

}  // namespace outreach
