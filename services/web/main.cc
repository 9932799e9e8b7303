// The web front: flags, then options, then serve until SIGINT or SIGTERM.
// Every flag can also be set from the environment as OUTREACH_<FLAG>.

#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/client/channel.h"
#include "common/config/env_flags.h"
#include "common/geo/iso3166.h"
#include "common/log/json_log.h"
#include "common/security/tls.h"
#include "common/server/server_runner.h"
#include "outreach/gateway/v1/gateway.grpc.pb.h"
#include "services/web/csrf.h"
#include "services/web/gateway.h"
#include "services/web/identity.h"
#include "services/web/web_server.h"

ABSL_FLAG(std::string, listen_host, "127.0.0.1",
          "Address the HTTP port binds; 0.0.0.0 in a container.");
ABSL_FLAG(int, port, 8088, "HTTP port; 0 picks a free one.");
ABSL_FLAG(std::string, gateway_address, "127.0.0.1:8080",
          "The gateway, host:port.");
ABSL_FLAG(std::string, tls_cert, "",
          "This service's certificate (PEM), presented to the gateway; with "
          "--tls_key and --tls_ca, or none of them for a plaintext suite.");
ABSL_FLAG(std::string, tls_key, "", "Its private key (PEM).");
ABSL_FLAG(std::string, tls_ca, "",
          "CA bundle the gateway's certificate is verified against (PEM).");
ABSL_FLAG(absl::Duration, call_timeout, absl::Seconds(10),
          "Deadline of each call to the gateway (an import gets twice it).");
ABSL_FLAG(std::string, token_header, "Authorization",
          "Header the OIDC proxy passes the person's JWT in; Authorization "
          "takes \"Bearer <jwt>\", any other the bare token.");
ABSL_FLAG(std::string, role_claim, "role",
          "Claim of the JWT that holds the person's role.");
ABSL_FLAG(std::string, dev_identity, "",
          "Development only, on loopback only: the role (viewer, editor, "
          "admin, confidential-reader) of requests that carry no token.");
ABSL_FLAG(std::string, dev_signing_key, "",
          "Development only: PEM EC P-256 key that the dev identity's tokens "
          "are signed with (scripts/dev_tls.sh's jwt-signing.key).");
ABSL_FLAG(std::string, dev_token_issuer, "outreach-dev",
          "`iss` of the dev identity's tokens.");
ABSL_FLAG(std::string, dev_token_audience, "outreach",
          "`aud` of the dev identity's tokens.");
ABSL_FLAG(std::string, csrf_key_file, "",
          "File of at least 32 secret bytes that CSRF tokens are signed "
          "with, the same on every replica; empty makes a random key per "
          "process (one replica only).");
ABSL_FLAG(absl::Duration, csrf_token_lifetime, absl::Hours(12),
          "How long a page's forms may be submitted.");
ABSL_FLAG(int64_t, max_body_bytes, 2 << 20,
          "Largest request body read; larger gets 413.");
ABSL_FLAG(std::string, iso3166_path, outreach::kDefaultIso3166Path,
          "ISO 3166-1 JSON from Debian's iso-codes package.");

namespace outreach::web {
namespace {

int Run() {
  const std::string host = absl::GetFlag(FLAGS_listen_host);
  IdentityOptions identity;
  identity.token_header = absl::GetFlag(FLAGS_token_header);
  identity.role_claim = absl::GetFlag(FLAGS_role_claim);
  identity.dev_identity = absl::GetFlag(FLAGS_dev_identity);
  identity.dev_signing_key_file = absl::GetFlag(FLAGS_dev_signing_key);
  identity.dev_issuer = absl::GetFlag(FLAGS_dev_token_issuer);
  identity.dev_audience = absl::GetFlag(FLAGS_dev_token_audience);
  if (!identity.dev_identity.empty() && !IsLoopbackHost(host)) {
    // Anyone who reached the port would be that person.
    LogError("bad flags", {{"error", absl::StrCat(
                                         "--dev_identity is refused on ", host,
                                         ": it serves loopback only")}});
    return 2;
  }
  TlsFiles tls{absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key),
               absl::GetFlag(FLAGS_tls_ca)};
  if (auto st = CheckTlsFiles(tls); !st.ok()) {
    LogError("bad flags", {{"error", std::string(st.message())}});
    return 2;
  }
  if (tls.enabled() && !identity.dev_identity.empty() &&
      identity.dev_signing_key_file.empty()) {
    LogError("bad flags",
             {{"error", "--dev_identity with TLS needs --dev_signing_key: "
                        "the gateway accepts only signed tokens"}});
    return 2;
  }
  auto identities = Identities::Create(identity);
  if (!identities.ok()) {
    LogError("bad flags", {{"error", std::string(identities.status().message())}});
    return 2;
  }
  std::string key;
  if (const std::string file = absl::GetFlag(FLAGS_csrf_key_file); !file.empty()) {
    auto k = CsrfTokens::KeyFromFile(file);
    if (!k.ok()) {
      LogError("bad flags", {{"error", std::string(k.status().message())}});
      return 2;
    }
    key = *std::move(k);
  } else {
    LogWarning("no --csrf_key_file: a random CSRF key, valid in this process "
               "only; run one replica, or give every replica the same key");
    key = CsrfTokens::RandomKey();
  }
  const CsrfTokens csrf(std::move(key), absl::GetFlag(FLAGS_csrf_token_lifetime));
  auto countries = CountryRegistry::Load(absl::GetFlag(FLAGS_iso3166_path));
  if (!countries.ok()) {
    LogError("cannot load ISO 3166 data",
             {{"error", std::string(countries.status().message())}});
    return 1;
  }
  auto channel = MakeServiceChannel(
      absl::GetFlag(FLAGS_gateway_address),
      outreach::gateway::v1::GatewayService::service_full_name(), nullptr,
      MakeChannelCredentials(tls));
  auto gateway = MakeGrpcGateway(channel, absl::GetFlag(FLAGS_call_timeout));

  WebOptions options;
  options.host = host;
  options.port = absl::GetFlag(FLAGS_port);
  options.max_body_bytes =
      static_cast<size_t>(std::max<int64_t>(absl::GetFlag(FLAGS_max_body_bytes), 1024));
  WebServer server(options, gateway.get(), identities->get(), &csrf,
                   countries->get());
  if (auto st = server.Start(); !st.ok()) {
    LogError("cannot serve", {{"error", std::string(st.message())}});
    return 1;
  }
  LogInfo("web ready",
          {{"url", absl::StrCat("http://", host, ":", server.port(), "/")},
           {"gateway", absl::GetFlag(FLAGS_gateway_address)},
           {"tls", tls.enabled()},
           {"dev_identity", identity.dev_identity}});
  const int signal = WaitForTerminationSignal();
  LogInfo("stopping", {{"signal", signal}});
  server.Stop();
  return 0;
}

}  // namespace
}  // namespace outreach::web

int main(int argc, char** argv) {
  outreach::BlockTerminationSignals();
  outreach::ParseFlagsWithEnv(
      argc, argv,
      "The Outreach web front: pages and a JSON API over the gateway. Flags "
      "may also be set as OUTREACH_<FLAG> environment variables.");
  return outreach::web::Run();
}
