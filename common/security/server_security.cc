#include "common/security/server_security.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/log/json_log.h"

ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain of this server; with --tls_key and --tls_ca "
          "turns on mutual TLS, also for calls to the other services.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA bundle that clients' and peers' certificates are checked "
          "against.");
ABSL_FLAG(absl::Duration, credentials_refresh, absl::Minutes(1),
          "How often the TLS files and --authz_policy are re-read, so that "
          "rotated certificates are used without a restart.");
ABSL_FLAG(bool, allow_insecure, false,
          "Serve plaintext on a non-loopback address when no TLS files are "
          "given. Never in production.");
ABSL_FLAG(std::string, authz_policy, "",
          "gRPC authorization policy (JSON) granting methods to identities; "
          "empty lets every authenticated caller call every method.");
ABSL_FLAG(std::string, jwt_public_keys, "",
          "Comma-separated PEM public keys (EC P-256 or RSA) that bearer "
          "tokens may be signed with; empty accepts no token.");
ABSL_FLAG(std::string, jwt_issuer, "", "Required `iss` of bearer tokens.");
ABSL_FLAG(std::string, jwt_audience, "",
          "Audience bearer tokens must name in `aud`.");
ABSL_FLAG(std::string, jwt_role_claim, "role",
          "Claim of a bearer token that holds the caller's role.");
ABSL_FLAG(std::string, trusted_delegators, "gateway",
          "Comma-separated identities whose x-outreach-caller metadata is "
          "believed: they call on behalf of the person they serve.");
ABSL_FLAG(std::string, token_forwarders, "web",
          "Comma-separated identities that may present a person's bearer "
          "token beside their own certificate; the call is then the "
          "person's, held to both grants.");
ABSL_FLAG(std::string, confidential_readers,
          outreach::kDefaultConfidentialReaders,
          "Comma-separated roles that see assistance needs without consent "
          "to publish; everyone else never sees them.");
ABSL_FLAG(int, health_port, 0,
          "Plaintext port for Kubernetes probes; with TLS it serves "
          "grpc.health.v1 alone. 0 serves none.");
ABSL_FLAG(bool, reflection, true, "Serve gRPC server reflection.");

namespace outreach {

absl::StatusOr<std::unique_ptr<ServerSecurity>> ServerSecurity::FromFlags(
    ServerOptions* options) {
  std::unique_ptr<ServerSecurity> security(new ServerSecurity(
      ConfidentialReaders(absl::StrSplit(absl::GetFlag(FLAGS_confidential_readers),
                                         ',', absl::SkipEmpty()))));
  options->health_port = absl::GetFlag(FLAGS_health_port);
  options->reflection = absl::GetFlag(FLAGS_reflection);

  TlsFiles files{absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key),
                 absl::GetFlag(FLAGS_tls_ca),
                 absl::GetFlag(FLAGS_credentials_refresh)};
  if (auto s = CheckTlsFiles(files); !s.ok()) return s;
  security->tls_ = files.enabled();
  security->channel_credentials_ = MakeChannelCredentials(files);
  const std::string policy_path = absl::GetFlag(FLAGS_authz_policy);
  const std::string keys = absl::GetFlag(FLAGS_jwt_public_keys);

  if (!security->tls_) {
    const std::string host = HostOf(options->listen_address);
    if (!IsLoopbackHost(host) && !absl::GetFlag(FLAGS_allow_insecure)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "no TLS files (--tls_cert, --tls_key, --tls_ca): plaintext is "
          "served only on loopback, not on ",
          host, ", unless --allow_insecure"));
    }
    if (!policy_path.empty() || !keys.empty()) {
      return absl::InvalidArgumentError(
          "--authz_policy and --jwt_public_keys need TLS: without it no "
          "caller is authenticated");
    }
    options->credentials = grpc::InsecureServerCredentials();
    LogWarning("serving plaintext: no caller is authenticated",
               {{"address", options->listen_address}});
    return security;
  }

  AuthenticatorOptions auth;
  if (!policy_path.empty()) {
    auto policy =
        PolicyFile::Open(policy_path, absl::GetFlag(FLAGS_credentials_refresh));
    if (!policy.ok()) return policy.status();
    security->policy_ = std::move(*policy);
    auth.policy = security->policy_.get();
  } else {
    LogWarning("no --authz_policy: every authenticated caller may call "
               "every method");
  }
  if (!keys.empty()) {
    JwtOptions jwt;
    jwt.public_key_files = absl::StrSplit(keys, ',', absl::SkipEmpty());
    jwt.issuer = absl::GetFlag(FLAGS_jwt_issuer);
    jwt.audience = absl::GetFlag(FLAGS_jwt_audience);
    jwt.role_claim = absl::GetFlag(FLAGS_jwt_role_claim);
    auto verifier = JwtVerifier::Create(std::move(jwt));
    if (!verifier.ok()) return verifier.status();
    security->jwt_ = std::move(*verifier);
    auth.jwt = security->jwt_.get();
  }
  auth.callers.authenticated = true;
  auth.callers.trusted_delegators = absl::StrSplit(
      absl::GetFlag(FLAGS_trusted_delegators), ',', absl::SkipEmpty());
  auth.callers.token_forwarders = absl::StrSplit(
      absl::GetFlag(FLAGS_token_forwarders), ',', absl::SkipEmpty());
  auth.callers.role_claim = absl::GetFlag(FLAGS_jwt_role_claim);
  // Handlers identify their callers the same way (caller.h).
  SetCallerConfig(auth.callers);
  // Tokens are accepted only when keys are configured; otherwise a client
  // certificate is required at the handshake.
  options->credentials =
      MakeTlsServerCredentials(files, /*client_cert_optional=*/auth.jwt != nullptr);
  // Every handler asks the gate first (call_gate.h).
  security->gate_ = std::make_unique<CallerAuthenticator>(std::move(auth));
  InstallCallGate(security->gate_.get());
  return security;
}

ServerSecurity::~ServerSecurity() {
  if (gate_ != nullptr) InstallCallGate(nullptr);
}

}  // namespace outreach
