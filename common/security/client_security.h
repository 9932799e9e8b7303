#ifndef OUTREACH_COMMON_SECURITY_CLIENT_SECURITY_H_
#define OUTREACH_COMMON_SECURITY_CLIENT_SECURITY_H_

// How Outreach's tools (outreachctl, outreach_health, outreach_bench)
// present themselves, from flags shared by all of them:
//
//   --tls=auto|on|off   auto: mutual TLS when --tls_dir holds ca.crt (what
//                       scripts/run.sh creates), plaintext otherwise.
//                       OUTREACH_TLS=off is the suite's security-off mode.
//   --tls_dir           where ca.crt and <identity>.crt/.key are
//                       (default $OUTREACH_DATA_DIR/tls, else .outreach/tls)
//   --identity          whose certificate to present (default editor)
//   --token             a bearer token (JWT) to present instead of a
//                       certificate; set it as OUTREACH_TOKEN

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/credentials.h"

namespace outreach {

struct ClientSecurity {
  std::string tls = "auto";
  std::string tls_dir;
  std::string identity = "editor";
  std::string token;
};

// The flags above.
ClientSecurity ClientSecurityFromFlags();

// INVALID_ARGUMENT, naming the file or flag, when TLS is asked for and the
// files are missing.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ClientCredentials(
    const ClientSecurity& security);

}  // namespace outreach

#endif  // OUTREACH_COMMON_SECURITY_CLIENT_SECURITY_H_
