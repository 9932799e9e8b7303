#ifndef OUTREACH_COMMON_CONFIG_ENV_FLAGS_H_
#define OUTREACH_COMMON_CONFIG_ENV_FLAGS_H_

// Configuration comes from flags; every flag can also be set from the
// environment, which is how Kubernetes ConfigMaps and Secrets reach a
// process. Precedence: command line, then environment, then the default.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace outreach {

// The environment variable for a flag: "OUTREACH_" + upper-cased name, e.g.
// --redis_address reads OUTREACH_REDIS_ADDRESS.
std::string EnvVarForFlag(absl::string_view flag_name);

// Parses the command line after applying environment overrides to every
// flag defined in Outreach's own sources. Returns the positional arguments
// (argv[0] first). Exits with usage on --help or a bad flag, as
// absl::ParseCommandLine does; a bad environment value is an error that
// names the variable, and the process exits with status 2.
std::vector<char*> ParseFlagsWithEnv(int argc, char** argv,
                                     absl::string_view usage);

// Applies environment overrides only; exposed for tests. Returns
// INVALID_ARGUMENT naming the variable when a value does not parse.
absl::Status ApplyEnvironmentOverrides();

}  // namespace outreach

#endif  // OUTREACH_COMMON_CONFIG_ENV_FLAGS_H_
