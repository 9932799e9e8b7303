#ifndef OUTREACH_COMMON_SECURITY_JWT_VERIFIER_H_
#define OUTREACH_COMMON_SECURITY_JWT_VERIFIER_H_

// Verifies the bearer tokens people's tools may present instead of a client
// certificate, with Debian's libjwt.
//
// A token is accepted only when
// - it is signed with ES256 or RS256 by one of the configured public keys
//   (any other algorithm is refused after verification, so a token "signed"
//   with HS256 using a public key as the secret, or with "none", never
//   passes);
// - `iss` equals the configured issuer and `aud` (a string or an array)
//   contains the configured audience;
// - `exp` is present and in the future, and `nbf`, when present, is not
//   (both with `leeway`);
// - `sub` and the role claim are non-empty strings.
//
// Thread-safe: keys are read once, at Create().

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/time/clock.h"

namespace outreach {

struct JwtOptions {
  std::vector<std::string> public_key_files;  // PEM, EC P-256 or RSA
  std::string issuer;
  std::string audience;
  std::string role_claim = "role";
  absl::Duration leeway = absl::Seconds(30);
  // Longest token accepted, before any parsing. Default 8 KiB.
  size_t max_token_bytes = 8 << 10;
};

struct VerifiedToken {
  std::string subject;
  std::string role;
};

class JwtVerifier {
 public:
  // INVALID_ARGUMENT when a key file cannot be read, or the issuer or
  // audience is empty.
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> Create(
      JwtOptions options, Clock* clock = SystemClock::Default());

  // UNAUTHENTICATED, with the reason, for any token that fails a check.
  absl::StatusOr<VerifiedToken> Verify(absl::string_view token) const;

 private:
  JwtVerifier(JwtOptions options, std::vector<std::string> keys, Clock* clock)
      : options_(std::move(options)), keys_(std::move(keys)), clock_(clock) {}

  const JwtOptions options_;
  const std::vector<std::string> keys_;  // PEM text
  Clock* const clock_;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_SECURITY_JWT_VERIFIER_H_
