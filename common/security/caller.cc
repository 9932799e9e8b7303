#include "common/security/caller.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "common/security/jwt_verifier.h"
#include "grpcpp/security/auth_context.h"
#include "nlohmann/json.hpp"

namespace outreach {
namespace {

absl::Mutex config_mu(absl::kConstInit);
// Leaked on purpose: read by calls until the process ends.
std::shared_ptr<const CallerConfig>* config ABSL_GUARDED_BY(config_mu) =
    nullptr;

// An identity or role name: short, and only the characters identities are
// made of, so that it cannot forge a log or audit line.
bool IsName(absl::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
           c == '@' || c == ':';
  });
}

// sub and the role claim of a token already verified for this call.
absl::StatusOr<VerifiedToken> ClaimsOf(absl::string_view token,
                                       const std::string& role_claim) {
  const std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  std::string payload;
  if (parts.size() != 3 || !absl::WebSafeBase64Unescape(parts[1], &payload)) {
    return absl::UnauthenticatedError("bearer token is malformed");
  }
  const auto json = nlohmann::json::parse(payload, nullptr, false);
  if (!json.is_object() || !json.contains("sub") || !json["sub"].is_string() ||
      !json.contains(role_claim) || !json[role_claim].is_string()) {
    return absl::UnauthenticatedError("bearer token lacks sub or role");
  }
  return VerifiedToken{json["sub"].get<std::string>(),
                       json[role_claim].get<std::string>()};
}

std::string Metadata(const grpc::ServerContextBase& context,
                     absl::string_view key) {
  const auto& md = context.client_metadata();
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

bool IsPersonRole(absl::string_view role) {
  return role == "viewer" || role == "editor" || role == "admin" ||
         role == "confidential-reader";
}

void SetCallerConfig(CallerConfig c) {
  absl::MutexLock lock(&config_mu);
  if (config == nullptr) config = new std::shared_ptr<const CallerConfig>;
  *config = std::make_shared<const CallerConfig>(std::move(c));
}

absl::StatusOr<Caller> IdentifyCaller(const CallerEvidence& evidence,
                                      const CallerConfig& config,
                                      const JwtVerifier* verifier) {
  Caller caller;
  caller.authenticated = true;
  std::string forwarder;
  if (!evidence.spiffe_id.empty()) {
    absl::string_view name = evidence.spiffe_id;
    if (!absl::ConsumePrefix(&name, kSpiffePrefix) || !IsName(name)) {
      return absl::UnauthenticatedError(
          absl::StrCat("certificate identity ", evidence.spiffe_id,
                       " is not in ", kSpiffePrefix));
    }
    const auto& forwarders = config.token_forwarders;
    if (!evidence.authorization.empty()) {
      if (std::find(forwarders.begin(), forwarders.end(), name) ==
          forwarders.end()) {
        return absl::UnauthenticatedError(
            "present a client certificate or a bearer token, not both");
      }
      forwarder = std::string(name);
    } else if (std::find(forwarders.begin(), forwarders.end(), name) !=
               forwarders.end()) {
      // A forwarder acts only for a person: its certificate alone, which
      // its grant would otherwise follow, is worth nothing.
      return absl::UnauthenticatedError(absl::StrCat(
          name, " calls only on behalf of a person, with their token"));
    } else {
      caller.identity = caller.role = std::string(name);
    }
  }
  if (!caller.identity.empty()) {
    // A certificate alone: the identity it names.
  } else if (!evidence.authorization.empty()) {
    absl::string_view token = evidence.authorization;
    if (!absl::ConsumePrefix(&token, "Bearer ")) {
      return absl::UnauthenticatedError("authorization is not a bearer token");
    }
    auto claims = verifier != nullptr ? verifier->Verify(token)
                                      : ClaimsOf(token, config.role_claim);
    if (!claims.ok()) return claims.status();
    if (!IsPersonRole(claims->role)) {
      return absl::UnauthenticatedError(absl::StrCat(
          "bearer token role \"", claims->role,
          "\" is not viewer, editor, admin or confidential-reader"));
    }
    if (!IsName(claims->subject)) {
      return absl::UnauthenticatedError("bearer token sub is not a plain name");
    }
    caller.identity = absl::StrCat("jwt:", claims->subject);
    caller.role = claims->role;
  } else {
    return absl::UnauthenticatedError(
        "no credentials: present a client certificate or a bearer token");
  }
  caller.peer_role = caller.role;
  if (!forwarder.empty()) {
    // The person's call, made through the forwarder: the forwarder's own
    // grant and the person's both apply (caller_authenticator.cc).
    caller.via = caller.peer_role = forwarder;
    caller.forwarded_token = true;
    return caller;
  }
  const auto& trusted = config.trusted_delegators;
  if (!evidence.for_caller.empty() &&
      std::find(trusted.begin(), trusted.end(), caller.identity) !=
          trusted.end()) {
    if (!IsName(evidence.for_caller) || !IsName(evidence.for_role)) {
      return absl::UnauthenticatedError(
          "x-outreach-caller or its role is not a plain name");
    }
    caller.via = caller.identity;
    caller.identity = std::string(evidence.for_caller);
    caller.role = std::string(evidence.for_role);
  }
  return caller;
}

Caller CallerOf(const grpc::ServerContextBase& context) {
  std::shared_ptr<const CallerConfig> current;
  {
    absl::MutexLock lock(&config_mu);
    if (config != nullptr) current = *config;
  }
  Caller local;
  local.identity = "local";
  if (current == nullptr || !current->authenticated) return local;
  std::string spiffe;
  if (const auto auth = context.auth_context(); auth != nullptr) {
    for (const auto& v : auth->FindPropertyValues("peer_spiffe_id")) {
      spiffe.assign(v.data(), v.size());
    }
  }
  const std::string authorization = Metadata(context, "authorization");
  const std::string for_caller = Metadata(context, kCallerHeader);
  const std::string for_role = Metadata(context, kCallerRoleHeader);
  auto caller = IdentifyCaller({spiffe, authorization, for_caller, for_role},
                               *current, nullptr);
  // The authenticator refused every call this could fail for.
  if (!caller.ok()) return Caller{"unknown", "", "", "", true};
  return *caller;
}

}  // namespace outreach
