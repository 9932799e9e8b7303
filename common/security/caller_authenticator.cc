#include "common/security/caller_authenticator.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "common/log/json_log.h"
#include "common/security/caller.h"

namespace outreach {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return absl::InvalidArgumentError(absl::StrCat(path, " cannot be read"));
  return text.str();
}

std::string Lookup(const grpc::ServerContextBase& context,
                   absl::string_view key) {
  const auto& md = context.client_metadata();
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

constexpr absl::string_view kHealthService = "grpc.health.v1.Health";

}  // namespace

absl::StatusOr<std::unique_ptr<PolicyFile>> PolicyFile::Open(
    std::string path, absl::Duration refresh) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  auto policy = AuthorizationPolicy::Parse(*text);
  if (!policy.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", policy.status().message()));
  }
  return std::unique_ptr<PolicyFile>(new PolicyFile(
      std::move(path), refresh, std::move(*text), std::move(*policy)));
}

PolicyFile::PolicyFile(std::string path, absl::Duration refresh,
                       std::string text, AuthorizationPolicy policy)
    : path_(std::move(path)),
      refresh_(refresh),
      text_(std::move(text)),
      policy_(std::make_shared<const AuthorizationPolicy>(std::move(policy))) {
  watcher_ = std::thread([this] { Watch(); });
}

PolicyFile::~PolicyFile() {
  stop_.Notify();
  watcher_.join();
}

std::shared_ptr<const AuthorizationPolicy> PolicyFile::current() const {
  absl::MutexLock lock(&mu_);
  return policy_;
}

void PolicyFile::Watch() {
  while (!stop_.WaitForNotificationWithTimeout(refresh_)) {
    auto text = ReadFile(path_);
    {
      absl::MutexLock lock(&mu_);
      if (text.ok() && *text == text_) continue;
    }
    if (!text.ok()) {
      LogWarning("authorization policy unreadable; keeping the last one",
                 {{"path", path_}});
      continue;
    }
    auto policy = AuthorizationPolicy::Parse(*text);
    absl::MutexLock lock(&mu_);
    text_ = *text;  // a bad version is reported once, not every refresh
    if (!policy.ok()) {
      LogError("authorization policy does not parse; keeping the last one",
               {{"path", path_}, {"error", std::string(policy.status().message())}});
      continue;
    }
    policy_ = std::make_shared<const AuthorizationPolicy>(std::move(*policy));
    LogInfo("authorization policy reloaded", {{"path", path_}});
  }
}

grpc::Status CallerAuthenticator::Check(const grpc::ServerContextBase& context,
                                        absl::string_view service,
                                        absl::string_view method) const {
  const auto auth = context.auth_context();
  bool tls = false;
  std::string spiffe;
  if (auth != nullptr) {
    // "tls" from gRPC's TLS credentials (ours), "ssl" from its older SSL
    // ones; anything else, "insecure" included, is the plaintext port.
    for (const auto& v : auth->FindPropertyValues("transport_security_type")) {
      const absl::string_view type(v.data(), v.size());
      tls = tls || type == "tls" || type == "ssl";
    }
    for (const auto& v : auth->FindPropertyValues("peer_spiffe_id")) {
      spiffe.assign(v.data(), v.size());
    }
  }
  if (!tls) {
    if (service == kHealthService) return grpc::Status::OK;
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                        absl::StrCat("this port serves only ", kHealthService,
                                     "; call /", service, "/", method,
                                     " over TLS"));
  }
  const std::string authorization = Lookup(context, "authorization");
  // Never read a token this server cannot verify, even beside a certificate.
  if (!authorization.empty() && options_.jwt == nullptr) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "bearer tokens are not accepted here");
  }
  const std::string for_caller = Lookup(context, kCallerHeader);
  const std::string for_role = Lookup(context, kCallerRoleHeader);
  auto caller = IdentifyCaller({spiffe, authorization, for_caller, for_role},
                               options_.callers, options_.jwt);
  if (!caller.ok()) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        std::string(caller.status().message()));
  }
  const std::string path = absl::StrCat("/", service, "/", method);
  if (options_.policy == nullptr) return grpc::Status::OK;
  const auto policy = options_.policy->current();
  if (!policy->Allows(absl::StrCat(kSpiffePrefix, caller->peer_role), path)) {
    return grpc::Status(
        grpc::StatusCode::PERMISSION_DENIED,
        absl::StrCat(caller->via.empty() ? caller->identity : caller->via,
                     " may not call ", path));
  }
  // A forwarded token is the person's own call: the person's role must be
  // granted the method too, so that the forwarder never widens it.
  if (caller->forwarded_token &&
      !policy->Allows(absl::StrCat(kSpiffePrefix, caller->role), path)) {
    return grpc::Status(
        grpc::StatusCode::PERMISSION_DENIED,
        absl::StrCat(caller->identity, " (", caller->role, ") via ",
                     caller->via, " may not call ", path));
  }
  return grpc::Status::OK;
}

}  // namespace outreach
