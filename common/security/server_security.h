#ifndef OUTREACH_COMMON_SECURITY_SERVER_SECURITY_H_
#define OUTREACH_COMMON_SECURITY_SERVER_SECURITY_H_

// The security flags every Outreach server shares, and what they build:
// the credentials of its gRPC port, the call gate every handler asks first
// (call_gate.h), and the credentials it calls its peers with.
//
//   --tls_cert --tls_key --tls_ca   mutual TLS (tls.h)
//   --credentials_refresh           how often certificates and the policy
//                                   are re-read
//   --allow_insecure                plaintext on a non-loopback address
//   --authz_policy                  per-method grants (authorization_policy.h)
//   --jwt_public_keys --jwt_issuer --jwt_audience --jwt_role_claim
//                                   bearer tokens (jwt_verifier.h)
//   --trusted_delegators            who may call on another's behalf
//   --token_forwarders              who may forward a person's token
//   --confidential_readers          who sees unpublished assistance needs
//   --health_port --reflection      what else the server exposes
//
// Without TLS files a server serves plaintext, and only on a loopback
// address unless --allow_insecure: nobody is authenticated then
// (caller.h's "local"), which is the benchmarks' mode (OUTREACH_TLS=off).

#include <memory>

#include "absl/status/statusor.h"
#include "common/security/caller_authenticator.h"
#include "common/security/jwt_verifier.h"
#include "common/security/tls.h"
#include "common/security/visibility.h"
#include "common/server/server_runner.h"
#include "grpcpp/security/credentials.h"

namespace outreach {

class ServerSecurity {
 public:
  // Reads the flags and sets `options`' credentials, health port and
  // reflection. INVALID_ARGUMENT (naming the flag) for a configuration that
  // must not start: half the TLS files, plaintext on a public address, a
  // policy or token keys without TLS, an unreadable key or policy.
  static absl::StatusOr<std::unique_ptr<ServerSecurity>> FromFlags(
      ServerOptions* options);
  // Uninstalls the call gate it installed (call_gate.h).
  ~ServerSecurity();

  // How this server calls its peers: with its own certificate when TLS is
  // on, plaintext otherwise.
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials() const {
    return channel_credentials_;
  }
  bool tls() const { return tls_; }
  // Who sees confidential records (--confidential_readers).
  const ConfidentialReaders& readers() const { return readers_; }

 private:
  explicit ServerSecurity(ConfidentialReaders readers)
      : readers_(std::move(readers)) {}

  const ConfidentialReaders readers_;
  bool tls_ = false;
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials_;
  std::unique_ptr<PolicyFile> policy_;
  std::unique_ptr<JwtVerifier> jwt_;
  // With TLS, the process's call gate (installed by FromFlags).
  std::unique_ptr<CallerAuthenticator> gate_;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_SECURITY_SERVER_SECURITY_H_
