#ifndef OUTREACH_COMMON_SECURITY_CALLER_H_
#define OUTREACH_COMMON_SECURITY_CALLER_H_

// Who a call is for. One function, IdentifyCaller, decides it from what
// the connection and the call carry; the call gate runs it (with the token
// verifier) first in every handler (caller_authenticator.h), and the
// handler's code runs it again through CallerOf (without re-verifying: the
// same call's token has passed). Twice, because the gate answers only
// whether the call may go on; it costs a few lookups.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"

namespace outreach {

class JwtVerifier;

// Metadata a trusted service (the gateway) sends to say whom it calls for.
inline constexpr char kCallerHeader[] = "x-outreach-caller";
inline constexpr char kCallerRoleHeader[] = "x-outreach-caller-role";

// SPIFFE IDs of Outreach identities: spiffe://outreach.local/<name>.
inline constexpr char kSpiffePrefix[] = "spiffe://outreach.local/";

struct Caller {
  // "editor", "gateway", "jwt:alice"; "local" on a plaintext (security-off)
  // server, where nobody is authenticated.
  std::string identity;
  // The role the caller's rights follow: a person's role ("viewer",
  // "editor", "admin", "confidential-reader") or a service's name. Empty
  // on a plaintext server.
  std::string role;
  // The trusted service that called on the caller's behalf, or empty.
  std::string via;
  // The identity whose grant the authorization policy checks: the direct
  // peer (the delegator, when there is one).
  std::string peer_role;
  // False on a plaintext server.
  bool authenticated = false;
  // True when a token forwarder (the web front) presented a person's
  // verified bearer token: the policy must then grant the call to both the
  // forwarder (`peer_role`) and the person (`role`).
  bool forwarded_token = false;
};

// How this process's server identifies callers; set once at start
// (ServerSecurity does), before serving. Without it, every caller is the
// unauthenticated "local".
struct CallerConfig {
  bool authenticated = false;  // true when the server has TLS
  std::vector<std::string> trusted_delegators;
  // Identities that may present a person's bearer token beside their own
  // certificate (the web front, behind its OIDC proxy). The token is
  // verified as if the person had sent it; the call is the person's, made
  // via the forwarder. Unlike a delegator, a forwarder cannot name a
  // person or a role of its own choosing, and its certificate alone is
  // refused.
  std::vector<std::string> token_forwarders;
  std::string role_claim = "role";
};
void SetCallerConfig(CallerConfig config);

// What a call carries that says who made it.
struct CallerEvidence {
  absl::string_view spiffe_id;      // of the client certificate, or empty
  absl::string_view authorization;  // the "authorization" metadata
  absl::string_view for_caller;     // x-outreach-caller
  absl::string_view for_role;       // x-outreach-caller-role
};

// The caller, or UNAUTHENTICATED with the reason: no credential, both a
// certificate and a token, a certificate outside the trust domain, a token
// that fails `verifier` (when given) or names a service's role. With
// `verifier` null the token's claims are read without checking its
// signature: only for a call the authenticator has already let through.
absl::StatusOr<Caller> IdentifyCaller(const CallerEvidence& evidence,
                                      const CallerConfig& config,
                                      const JwtVerifier* verifier);

// The caller of the call `context` serves (see SetCallerConfig).
Caller CallerOf(const grpc::ServerContextBase& context);

// The names a role may take in a bearer token.
bool IsPersonRole(absl::string_view role);

}  // namespace outreach

#endif  // OUTREACH_COMMON_SECURITY_CALLER_H_
