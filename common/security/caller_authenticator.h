#ifndef OUTREACH_COMMON_SECURITY_CALLER_AUTHENTICATOR_H_
#define OUTREACH_COMMON_SECURITY_CALLER_AUTHENTICATOR_H_

// Authenticates and authorizes every call on a TLS server, first thing in
// its handler (call_gate.h says why there and not in gRPC's auth filter):
//
// 0. Port. A call that did not come over TLS came to the plaintext health
//    port (the only one a TLS server has): it may call grpc.health.v1 and
//    nothing else, which answers UNIMPLEMENTED, as a port that serves
//    only health would.
// 1. Identity (caller.h's IdentifyCaller, with the token verified). A
//    client certificate whose SPIFFE ID is spiffe://outreach.local/<name>
//    is identity <name>, role <name>. Otherwise a verified bearer token
//    (jwt_verifier.h) is identity "jwt:<sub>" with the token's role, which
//    must be a person's role (viewer, editor, admin,
//    confidential-reader): a token never stands for a service. Neither,
//    both, or a certificate outside the trust domain: UNAUTHENTICATED.
// 2. Authorization. The direct peer's principal
//    (spiffe://outreach.local/<role>) must be allowed the call's method by
//    the policy file (authorization_policy.h), re-read when it changes;
//    else PERMISSION_DENIED. Without a policy file every authenticated
//    caller is allowed (a warning is logged at start). A trusted
//    delegator (the gateway) calling for a person is held to its own
//    grant here; what it may do for that person is the person's role,
//    which handlers see through CallerOf().
//
// Thread-safe.

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/security/authorization_policy.h"
#include "common/security/caller.h"
#include "common/security/jwt_verifier.h"
#include "common/server/call_gate.h"

namespace outreach {

// A policy file, re-read every `refresh` when its contents change. A
// change that does not parse is logged and the previous policy kept.
class PolicyFile {
 public:
  // INVALID_ARGUMENT when the file cannot be read or parsed at start.
  static absl::StatusOr<std::unique_ptr<PolicyFile>> Open(
      std::string path, absl::Duration refresh);
  ~PolicyFile();

  std::shared_ptr<const AuthorizationPolicy> current() const;

 private:
  PolicyFile(std::string path, absl::Duration refresh, std::string text,
             AuthorizationPolicy policy);
  void Watch();

  const std::string path_;
  const absl::Duration refresh_;
  mutable absl::Mutex mu_;
  std::string text_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const AuthorizationPolicy> policy_ ABSL_GUARDED_BY(mu_);
  absl::Notification stop_;
  std::thread watcher_;
};

struct AuthenticatorOptions {
  PolicyFile* policy = nullptr;  // not owned; null allows all
  JwtVerifier* jwt = nullptr;    // not owned; null accepts no token
  CallerConfig callers;
};

class CallerAuthenticator final : public CallGate {
 public:
  explicit CallerAuthenticator(AuthenticatorOptions options)
      : options_(std::move(options)) {}

  // Cheap and never blocks: the policy is in memory, and a token check is
  // one signature verification.
  grpc::Status Check(const grpc::ServerContextBase& context,
                     absl::string_view service,
                     absl::string_view method) const override;

 private:
  const AuthenticatorOptions options_;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_SECURITY_CALLER_AUTHENTICATOR_H_
