#include "common/security/jwt_verifier.h"

#include <jwt.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace outreach {
namespace {

struct JwtFree {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

absl::Status Refuse(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("bearer token refused: ", why));
}

// `aud` may be one string or an array of strings (RFC 7519 4.1.3).
bool AudienceContains(jwt_t* jwt, const std::string& audience) {
  if (const char* one = jwt_get_grant(jwt, "aud"); one != nullptr) {
    return audience == one;
  }
  char* raw = jwt_get_grants_json(jwt, "aud");
  if (raw == nullptr) return false;
  const nlohmann::json aud = nlohmann::json::parse(raw, nullptr, false);
  free(raw);
  if (!aud.is_array()) return false;
  for (const auto& a : aud) {
    if (a.is_string() && a.get<std::string>() == audience) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::Create(
    JwtOptions options, Clock* clock) {
  if (options.public_key_files.empty()) {
    return absl::InvalidArgumentError("--jwt_public_keys names no key file");
  }
  if (options.issuer.empty() || options.audience.empty()) {
    return absl::InvalidArgumentError(
        "--jwt_issuer and --jwt_audience are required with --jwt_public_keys");
  }
  std::vector<std::string> keys;
  for (const std::string& path : options.public_key_files) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in || text.str().find("PUBLIC KEY") == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--jwt_public_keys: ", path, " is not a readable PEM public key"));
    }
    keys.push_back(text.str());
  }
  return std::unique_ptr<JwtVerifier>(
      new JwtVerifier(std::move(options), std::move(keys), clock));
}

absl::StatusOr<VerifiedToken> JwtVerifier::Verify(
    absl::string_view token) const {
  if (token.size() > options_.max_token_bytes) return Refuse("too long");
  const std::string text(token);
  JwtPtr jwt;
  for (const std::string& key : keys_) {
    jwt_t* decoded = nullptr;
    if (jwt_decode(&decoded, text.c_str(),
                   reinterpret_cast<const unsigned char*>(key.data()),
                   static_cast<int>(key.size())) == 0) {
      jwt.reset(decoded);
      break;
    }
    jwt_free(decoded);
  }
  if (jwt == nullptr) return Refuse("bad signature or malformed");
  const jwt_alg_t alg = jwt_get_alg(jwt.get());
  if (alg != JWT_ALG_ES256 && alg != JWT_ALG_RS256) {
    return Refuse("algorithm must be ES256 or RS256");
  }
  const char* iss = jwt_get_grant(jwt.get(), "iss");
  if (iss == nullptr || options_.issuer != iss) return Refuse("wrong issuer");
  if (!AudienceContains(jwt.get(), options_.audience)) {
    return Refuse("wrong audience");
  }
  const int64_t now = absl::ToUnixSeconds(clock_->Now());
  const int64_t leeway = absl::ToInt64Seconds(options_.leeway);
  errno = 0;
  const long exp = jwt_get_grant_int(jwt.get(), "exp");
  if (errno != 0) return Refuse("no exp claim");
  if (exp + leeway <= now) return Refuse("expired");
  errno = 0;
  const long nbf = jwt_get_grant_int(jwt.get(), "nbf");
  if (errno == 0 && nbf - leeway > now) return Refuse("not valid yet");
  const char* sub = jwt_get_grant(jwt.get(), "sub");
  const char* role = jwt_get_grant(jwt.get(), options_.role_claim.c_str());
  if (sub == nullptr || *sub == '\0') return Refuse("no sub claim");
  if (role == nullptr || *role == '\0') {
    return Refuse(absl::StrCat("no ", options_.role_claim, " claim"));
  }
  return VerifiedToken{sub, role};
}

}  // namespace outreach
