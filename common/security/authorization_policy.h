#ifndef OUTREACH_COMMON_SECURITY_AUTHORIZATION_POLICY_H_
#define OUTREACH_COMMON_SECURITY_AUTHORIZATION_POLICY_H_

// Per-method authorization, written in gRPC's own authorization policy
// language (the JSON of grpc::experimental::*AuthorizationPolicyProvider),
// so a policy file works unchanged with gRPC's engine where it is
// available. Debian 12's gRPC 1.51 does not ship that engine's providers
// (docs/architecture.md, "Authorization"), so this evaluates the subset
// Outreach uses:
//
//   {"name": "...",
//    "deny_rules":  [{"name": "...", "source": {"principals": [...]},
//                                    "request": {"paths": [...]}}],
//    "allow_rules": [...]}
//
// with gRPC's semantics: a call matching a deny rule is refused; else one
// matching an allow rule is let through; else it is refused. A rule with
// no "source" matches every caller, one with no "request" every method.
// Strings match exactly, or "*" anything, "abc*" by prefix, "*abc" by
// suffix. A field outside the subset ("headers", say) is refused when the
// policy is parsed, never ignored.
//
// Immutable once parsed; thread-safe.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace outreach {

class AuthorizationPolicy {
 public:
  // INVALID_ARGUMENT, naming the field, when `json` is not a policy.
  static absl::StatusOr<AuthorizationPolicy> Parse(absl::string_view json);

  // Whether `principal` (an identity's SPIFFE ID) may call `path`
  // ("/package.Service/Method").
  bool Allows(absl::string_view principal, absl::string_view path) const;

  const std::string& name() const { return name_; }
  // Every path pattern the rules name, for checks of a policy file.
  std::vector<std::string> NamedPaths() const;

 private:
  struct Rule {
    std::string name;
    std::vector<std::string> principals;  // empty: any caller
    std::vector<std::string> paths;       // empty: any method
  };
  static bool Matches(const Rule& rule, absl::string_view principal,
                      absl::string_view path);

  std::string name_;
  std::vector<Rule> deny_;
  std::vector<Rule> allow_;
};

// "*" any, "abc*" prefix, "*abc" suffix, otherwise exact.
bool PolicyStringMatches(absl::string_view pattern, absl::string_view value);

}  // namespace outreach

#endif  // OUTREACH_COMMON_SECURITY_AUTHORIZATION_POLICY_H_
