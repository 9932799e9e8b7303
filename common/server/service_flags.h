#ifndef OUTREACH_COMMON_SERVER_SERVICE_FLAGS_H_
#define OUTREACH_COMMON_SERVER_SERVICE_FLAGS_H_

// The flags every Outreach server shares, defined once, and their wiring.
// A binary that links this library has them all, with the same names,
// defaults and meaning (docs/operations.md lists them per binary):
//
//   --listen_host, --max_threads, --max_pollers, --access_log_every,
//   --shutdown_grace, --max_connection_age,
//   --max_connection_idle, --max_message_bytes, --max_concurrent_streams,
//   --memory_quota_bytes, --redis_address, --redis_username,
//   --redis_password, --redis_timeout;
//
// and, through ServerSecurity::FromFlags, the security flags of
// common/security/server_security.h. What differs between services (their
// ports, stores and peers) stays in each main.cc.
//
// Renamed flags keep working for a while as deprecated aliases
// (ApplyDeprecatedAliases), so that a configuration written for an older
// release still starts, and says what to change.

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/cache/cache.h"
#include "common/metrics/metrics.h"
#include "common/security/server_security.h"
#include "common/server/server_runner.h"

namespace outreach {

// What every server builds from the shared flags before its own parts.
struct ServiceBase {
  // Listen address, bounds, keepalive, metrics and credentials. The
  // service adds after_write and its own settings.
  ServerOptions server;
  // Credentials of the server's port and of its calls to its peers.
  std::unique_ptr<ServerSecurity> security;
  // The shared Redis cache, counted in `metrics`; null when
  // --redis_address is empty.
  std::unique_ptr<Cache> shared_cache;
  // The same Redis on connections of its own, for the write generation
  // (write_generation.h): a bump waits for a connection up to 250ms
  // instead of failing when reads keep the shared pool busy. Null when
  // --redis_address is empty.
  std::unique_ptr<Cache> generation_cache;
};

// Builds the ServiceBase from the shared flags; `port` and `metrics_port`
// are the service's own (their defaults differ by service). `metrics` is
// not owned and must outlive the result. INVALID_ARGUMENT naming the flag
// for a configuration that must not start. `default_max_pollers` is what
// --max_pollers=0 (its default) means for this binary
// (ServerOptions::max_pollers says why it differs).
absl::StatusOr<ServiceBase> ServiceBaseFromFlags(int port, int metrics_port,
                                                 Metrics* metrics,
                                                 int default_max_pollers = 2);

// A flag renamed: `deprecated` still sets `replacement`.
struct FlagAlias {
  absl::string_view deprecated;
  absl::string_view replacement;
};

// After flags are parsed: for each alias whose deprecated flag was set
// (on the command line or as OUTREACH_<FLAG>), sets the replacement to its
// value unless the replacement was set too (then the replacement wins), and
// logs a warning naming the new flag either way. INVALID_ARGUMENT when a
// flag named in `aliases` does not exist or the value does not parse as
// the replacement's type.
absl::Status ApplyDeprecatedAliases(absl::Span<const FlagAlias> aliases);

}  // namespace outreach

#endif  // OUTREACH_COMMON_SERVER_SERVICE_FLAGS_H_
