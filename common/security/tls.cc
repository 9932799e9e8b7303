#include "common/security/tls.h"

#include <unistd.h>

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace outreach {
namespace {

using grpc::experimental::FileWatcherCertificateProvider;

unsigned RefreshSeconds(absl::Duration refresh) {
  return static_cast<unsigned>(
      std::max<int64_t>(1, absl::ToInt64Seconds(refresh)));
}

std::shared_ptr<FileWatcherCertificateProvider> ProviderFor(
    const TlsFiles& files) {
  return std::make_shared<FileWatcherCertificateProvider>(
      files.key, files.cert, files.ca, RefreshSeconds(files.refresh));
}

}  // namespace

absl::Status CheckTlsFiles(const TlsFiles& files) {
  if (!files.enabled()) return absl::OkStatus();
  const std::pair<const char*, const std::string*> named[] = {
      {"--tls_cert", &files.cert},
      {"--tls_key", &files.key},
      {"--tls_ca", &files.ca}};
  for (const auto& [flag, path] : named) {
    if (path->empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          flag, " is empty: TLS needs --tls_cert, --tls_key and --tls_ca"));
    }
    if (access(path->c_str(), R_OK) != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, "=", *path, " cannot be read"));
    }
  }
  return absl::OkStatus();
}

bool IsLoopbackHost(absl::string_view host) {
  if (absl::ConsumePrefix(&host, "[")) absl::ConsumeSuffix(&host, "]");
  return host == "localhost" || host == "::1" ||
         absl::StartsWith(host, "127.");
}

std::string HostOf(absl::string_view address) {
  const size_t colon = address.rfind(':');
  absl::string_view host =
      colon == absl::string_view::npos ? address : address.substr(0, colon);
  return std::string(host);
}

std::shared_ptr<grpc::ServerCredentials> MakeTlsServerCredentials(
    const TlsFiles& files, bool client_cert_optional) {
  grpc::experimental::TlsServerCredentialsOptions options(ProviderFor(files));
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(
      client_cert_optional
          ? GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY
          : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  return grpc::experimental::TlsServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> MakeChannelCredentials(
    const TlsFiles& files) {
  if (!files.enabled()) return grpc::InsecureChannelCredentials();
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(ProviderFor(files));
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  // The server's name is checked against its certificate's SANs.
  options.set_verify_server_certs(true);
  return grpc::experimental::TlsCredentials(options);
}

}  // namespace outreach
