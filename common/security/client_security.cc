#include "common/security/client_security.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/security/tls.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"

ABSL_FLAG(std::string, tls, "auto",
          "auto (mutual TLS when --tls_dir holds ca.crt), on, or off.");
ABSL_FLAG(std::string, tls_dir, "",
          "Folder with ca.crt and <identity>.crt/.key; empty is "
          "$OUTREACH_DATA_DIR/tls, else .outreach/tls.");
ABSL_FLAG(std::string, identity, "editor",
          "Identity whose certificate is presented.");
ABSL_FLAG(std::string, token, "",
          "Bearer token (JWT) presented instead of a certificate; set it as "
          "OUTREACH_TOKEN.");

namespace outreach {
namespace {

bool Readable(const std::string& path) {
  return access(path.c_str(), R_OK) == 0;
}

}  // namespace

ClientSecurity ClientSecurityFromFlags() {
  ClientSecurity s;
  s.tls = absl::GetFlag(FLAGS_tls);
  s.tls_dir = absl::GetFlag(FLAGS_tls_dir);
  if (s.tls_dir.empty()) {
    const char* data = std::getenv("OUTREACH_DATA_DIR");
    s.tls_dir = data != nullptr && *data != '\0'
                    ? absl::StrCat(data, "/tls")
                    : std::string(".outreach/tls");
  }
  s.identity = absl::GetFlag(FLAGS_identity);
  s.token = absl::GetFlag(FLAGS_token);
  return s;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ClientCredentials(
    const ClientSecurity& security) {
  const std::string ca = absl::StrCat(security.tls_dir, "/ca.crt");
  if (security.tls != "auto" && security.tls != "on" && security.tls != "off") {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls=", security.tls, ": want auto, on or off"));
  }
  if (security.tls == "off" ||
      (security.tls == "auto" && !Readable(ca))) {
    return grpc::InsecureChannelCredentials();
  }
  if (!Readable(ca)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls=on but ", ca, " cannot be read (scripts/dev_tls.sh makes it)"));
  }
  if (!security.token.empty()) {
    // Verify the server, present no certificate, send the token.
    std::ifstream in(ca);
    std::stringstream pem;
    pem << in.rdbuf();
    grpc::experimental::TlsChannelCredentialsOptions options;
    options.set_certificate_provider(
        std::make_shared<grpc::experimental::StaticDataCertificateProvider>(
            pem.str()));
    options.watch_root_certs();
    options.set_verify_server_certs(true);
    return grpc::CompositeChannelCredentials(
        grpc::experimental::TlsCredentials(options),
        grpc::AccessTokenCredentials(security.token));
  }
  TlsFiles files{absl::StrCat(security.tls_dir, "/", security.identity, ".crt"),
                 absl::StrCat(security.tls_dir, "/", security.identity, ".key"),
                 ca};
  for (const std::string* f : {&files.cert, &files.key}) {
    if (!Readable(*f)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--identity=", security.identity, ": ", *f, " cannot be read"));
    }
  }
  return MakeChannelCredentials(files);
}

}  // namespace outreach
