#include "services/web/identity.h"

#include <jwt.h>

#include <cstdlib>
#include <fstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/security/caller.h"
#include "nlohmann/json.hpp"

namespace outreach::web {
namespace {

// `sub` and the role claim of a token, read without verifying it: the
// gateway verifies every token it is sent.
absl::StatusOr<Person> ReadClaims(absl::string_view token,
                                  const std::string& role_claim) {
  const std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  std::string payload;
  if (parts.size() != 3 || !absl::WebSafeBase64Unescape(parts[1], &payload)) {
    return absl::UnauthenticatedError("the bearer token is malformed");
  }
  const auto json = nlohmann::json::parse(payload, nullptr, false);
  if (!json.is_object() || !json.contains("sub") || !json["sub"].is_string() ||
      !json.contains(role_claim) || !json[role_claim].is_string()) {
    return absl::UnauthenticatedError("the bearer token lacks sub or role");
  }
  Person p;
  p.subject = json["sub"].get<std::string>();
  p.role = json[role_claim].get<std::string>();
  p.token = std::string(token);
  return p;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Identities>> Identities::Create(
    IdentityOptions options, Clock* clock) {
  std::string key;
  if (!options.dev_identity.empty()) {
    if (!IsPersonRole(options.dev_identity)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--dev_identity=", options.dev_identity,
          " is not viewer, editor, admin or confidential-reader"));
    }
    if (!options.dev_signing_key_file.empty()) {
      std::ifstream in(options.dev_signing_key_file);
      key.assign(std::istreambuf_iterator<char>(in), {});
      if (!in.good() && !in.eof()) key.clear();
      if (key.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot read --dev_signing_key ",
                         options.dev_signing_key_file));
      }
    }
  }
  return std::unique_ptr<Identities>(
      new Identities(std::move(options), std::move(key), clock));
}

absl::StatusOr<Person> Identities::Identify(absl::string_view header_value) {
  absl::string_view token = absl::StripAsciiWhitespace(header_value);
  if (!token.empty()) {
    if (absl::EqualsIgnoreCase(options_.token_header, "authorization") &&
        !absl::ConsumePrefix(&token, "Bearer ")) {
      return absl::UnauthenticatedError(
          "the Authorization header is not a bearer token");
    }
    // Far larger than any real token: refused before any parsing.
    if (token.size() > 8192) {
      return absl::UnauthenticatedError("the bearer token is too long");
    }
    return ReadClaims(token, options_.role_claim);
  }
  if (options_.dev_identity.empty()) {
    return absl::UnauthenticatedError(absl::StrCat(
        "no bearer token in ", options_.token_header,
        ": sign in through the proxy"));
  }
  Person p;
  p.subject = absl::StrCat("dev-", options_.dev_identity);
  p.role = options_.dev_identity;
  if (!key_.empty()) {
    auto t = DevToken();
    if (!t.ok()) return t.status();
    p.token = *std::move(t);
  }
  return p;
}

absl::StatusOr<std::string> Identities::DevToken() {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  if (now < dev_token_renew_) return dev_token_;
  jwt_t* jwt = nullptr;
  if (jwt_new(&jwt) != 0) return absl::InternalError("jwt_new failed");
  const int64_t iat = absl::ToUnixSeconds(now);
  const int64_t exp =
      iat + absl::ToInt64Seconds(options_.dev_token_lifetime);
  int rc = jwt_add_grant(jwt, "iss", options_.dev_issuer.c_str());
  rc |= jwt_add_grant(jwt, "aud", options_.dev_audience.c_str());
  rc |= jwt_add_grant(jwt, "sub",
                      absl::StrCat("dev-", options_.dev_identity).c_str());
  rc |= jwt_add_grant(jwt, options_.role_claim.c_str(),
                      options_.dev_identity.c_str());
  rc |= jwt_add_grant_int(jwt, "iat", iat);
  rc |= jwt_add_grant_int(jwt, "exp", exp);
  rc |= jwt_set_alg(jwt, JWT_ALG_ES256,
                    reinterpret_cast<const unsigned char*>(key_.data()),
                    static_cast<int>(key_.size()));
  char* text = rc == 0 ? jwt_encode_str(jwt) : nullptr;
  jwt_free(jwt);
  if (text == nullptr) {
    return absl::InternalError("cannot sign a development token");
  }
  dev_token_ = text;
  free(text);
  // Renewed at half its life, so that no call carries one about to expire.
  dev_token_renew_ = now + options_.dev_token_lifetime / 2;
  return dev_token_;
}

}  // namespace outreach::web
