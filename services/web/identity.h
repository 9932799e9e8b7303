#ifndef OUTREACH_SERVICES_WEB_IDENTITY_H_
#define OUTREACH_SERVICES_WEB_IDENTITY_H_

// Who is asking, for each HTTP request.
//
// In production the web service sits behind an OIDC proxy that signs the
// person in and passes their JWT in a header (`--token_header`,
// "Authorization: Bearer ..." by default). The web service does not decide
// what the token allows: it forwards it to the gateway, which verifies it
// and applies the person's role and confidentiality rules. It reads the
// token's `sub` and role here only to show who is signed in, to offer
// editors their forms, and to bind CSRF tokens to the person.
//
// Locally (scripts/run.sh) there is no proxy: with `--dev_identity=editor`
// and the development signing key, the service mints a short-lived token
// for "dev-editor" itself, which the gateway verifies like any other. A
// dev identity is refused on anything but a loopback address (main.cc).
//
// Thread-safe.

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/time/clock.h"

namespace outreach::web {

struct Person {
  std::string subject;  // the token's `sub`: "alice", "dev-editor"
  std::string role;     // "viewer", "editor", "admin", "confidential-reader"
  std::string token;    // forwarded to the gateway; empty on a plaintext suite
  // Editors and admins get the forms that write.
  bool MayEdit() const { return role == "editor" || role == "admin"; }
};

struct IdentityOptions {
  // The header the proxy passes the token in. "Authorization" takes
  // "Bearer <jwt>"; any other header takes the bare token.
  std::string token_header = "Authorization";
  std::string role_claim = "role";
  // Development only: the role of every request that carries no token.
  std::string dev_identity;
  // PEM EC P-256 private key the dev tokens are signed with (ES256); empty
  // sends no token (the suite's plaintext mode, where nobody is checked).
  std::string dev_signing_key_file;
  std::string dev_issuer = "outreach-dev";
  std::string dev_audience = "outreach";
  absl::Duration dev_token_lifetime = absl::Minutes(10);
};

class Identities {
 public:
  // INVALID_ARGUMENT when the dev key cannot be read or the dev identity is
  // not a person's role.
  static absl::StatusOr<std::unique_ptr<Identities>> Create(
      IdentityOptions options, Clock* clock = SystemClock::Default());

  // The person a request is for, from the value of its token header
  // (empty when absent). UNAUTHENTICATED when there is neither a readable
  // token nor a dev identity.
  absl::StatusOr<Person> Identify(absl::string_view header_value);

  const IdentityOptions& options() const { return options_; }

 private:
  Identities(IdentityOptions options, std::string key, Clock* clock)
      : options_(std::move(options)), key_(std::move(key)), clock_(clock) {}
  absl::StatusOr<std::string> DevToken();

  const IdentityOptions options_;
  const std::string key_;
  Clock* const clock_;
  absl::Mutex mu_;
  std::string dev_token_ ABSL_GUARDED_BY(mu_);
  absl::Time dev_token_renew_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace outreach::web

#endif  // OUTREACH_SERVICES_WEB_IDENTITY_H_
