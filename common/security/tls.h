#ifndef OUTREACH_COMMON_SECURITY_TLS_H_
#define OUTREACH_COMMON_SECURITY_TLS_H_

// Transport security for every Outreach port, from PEM files on disk.
//
// gRPC's FileWatcherCertificateProvider re-reads the files every
// `refresh`, so a certificate rotated on disk (by cert-manager, or by
// hand) is used for new connections without a restart. A file that does
// not parse keeps the previous credentials in use.
//
// Servers require a client certificate signed by `ca` (mutual TLS) unless
// they also accept bearer tokens (`client_cert_optional`), in which case a
// certificate is verified when presented and the call gate
// (caller_authenticator.h) refuses a call that brings neither.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace outreach {

struct TlsFiles {
  std::string cert;  // this binary's certificate chain (PEM)
  std::string key;   // its private key (PEM)
  std::string ca;    // the CA bundle peers are verified against (PEM)
  absl::Duration refresh = absl::Minutes(1);

  bool enabled() const { return !cert.empty() || !key.empty() || !ca.empty(); }
};

// OK when all three files are named and readable, or none is named.
// INVALID_ARGUMENT otherwise, naming the flag at fault.
absl::Status CheckTlsFiles(const TlsFiles& files);

// True for 127.0.0.0/8, ::1 and "localhost": the only hosts a binary may
// serve plaintext on without --allow_insecure.
bool IsLoopbackHost(absl::string_view host);

// The host part of "host:port" or "[v6]:port".
std::string HostOf(absl::string_view address);

// Mutual TLS server credentials. `files` must pass CheckTlsFiles and be
// enabled.
std::shared_ptr<grpc::ServerCredentials> MakeTlsServerCredentials(
    const TlsFiles& files, bool client_cert_optional);

// Channel credentials presenting `files.cert` and verifying the server
// against `files.ca`; plaintext when `files` is not enabled.
std::shared_ptr<grpc::ChannelCredentials> MakeChannelCredentials(
    const TlsFiles& files);

}  // namespace outreach

#endif  // OUTREACH_COMMON_SECURITY_TLS_H_
