#include "common/sql/store_flags.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "absl/time/clock.h"
#include "common/concurrency/work_budget.h"
#include "common/config/env_flags.h"
#include "common/postgres/pg_db.h"
#include "common/postgres/pg_shared_epoch.h"
#include "common/sqlite/sqlite_db.h"
#include "common/sqlite/sqlite_flags.h"

ABSL_FLAG(std::string, database_url, "",
          "PostgreSQL connection URI (postgresql://user@host:5432/events) for "
          "a service run as several replicas; empty uses the SQLite file at "
          "--db_path. A password only through OUTREACH_DATABASE_URL, "
          "PGPASSWORD or PGPASSFILE, never on the command line.");
ABSL_FLAG(int, db_max_connections, 8,
          "PostgreSQL connections the pool may open.");
ABSL_FLAG(int, db_max_queued, 32,
          "Calls that may wait for a PostgreSQL connection at once; the next "
          "is refused with RESOURCE_EXHAUSTED.");
ABSL_FLAG(absl::Duration, db_connect_timeout, absl::Seconds(5),
          "Longest time opening a PostgreSQL connection may take.");
ABSL_FLAG(absl::Duration, db_statement_timeout, absl::Seconds(30),
          "PostgreSQL's statement_timeout for a transaction whose call has no "
          "nearer deadline; a call's deadline shortens it.");
ABSL_FLAG(int, db_serialization_retries, 8,
          "How often a PostgreSQL write that lost a race with another "
          "replica's is run again before UNAVAILABLE.");

namespace outreach {
namespace {

using ConninfoPtr = std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)>;

absl::StatusOr<ConninfoPtr> ParseConninfo(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    return absl::InvalidArgumentError(
        absl::StrCat("--database_url does not parse: ", message));
  }
  return ConninfoPtr(options, &PQconninfoFree);
}

}  // namespace

absl::StatusOr<bool> DatabaseUrlHasPassword(const std::string& url) {
  auto options = ParseConninfo(url);
  if (!options.ok()) return options.status();
  for (const PQconninfoOption* o = options->get(); o->keyword != nullptr; ++o) {
    if (std::string(o->keyword) == "password" && o->val != nullptr &&
        o->val[0] != '\0') {
      return true;
    }
  }
  return false;
}

std::string StoreLocationForLog(const std::string& db_path) {
  const std::string url = absl::GetFlag(FLAGS_database_url);
  if (url.empty()) return db_path;
  auto options = ParseConninfo(url);
  if (!options.ok()) return "postgresql://(unparsable)";
  std::string host, port, dbname;
  for (const PQconninfoOption* o = options->get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string key = o->keyword;
    if (key == "host" || key == "hostaddr") host = o->val;
    if (key == "port") port = o->val;
    if (key == "dbname") dbname = o->val;
  }
  return absl::StrCat("postgresql://", host, port.empty() ? "" : ":", port,
                      "/", dbname);
}

absl::StatusOr<OpenedStore> OpenStoreFromFlags(
    const std::string& db_path, const std::string& store_name,
    const StoreMigrations& migrations, Metrics* metrics) {
  const std::string url = absl::GetFlag(FLAGS_database_url);
  if (url.empty()) {
    SqliteOptions options = SqliteOptionsFromFlags(db_path, metrics);
    options.migrations = migrations.sqlite;
    auto db = SqliteDb::Open(std::move(options));
    if (!db.ok()) return db.status();
    OpenedStore opened;
    opened.db = std::move(*db);
    return opened;
  }
  auto has_password = DatabaseUrlHasPassword(url);
  if (!has_password.ok()) return has_password.status();
  const char* from_env = std::getenv(EnvVarForFlag("database_url").c_str());
  if (*has_password && (from_env == nullptr || url != from_env)) {
    return absl::InvalidArgumentError(
        "--database_url holds a password on the command line, where any user "
        "of the machine can read it; pass it in OUTREACH_DATABASE_URL (a "
        "Secret), PGPASSWORD or PGPASSFILE instead");
  }
  PostgresOptions options;
  options.url = url;
  options.max_connections = absl::GetFlag(FLAGS_db_max_connections);
  options.max_queued = absl::GetFlag(FLAGS_db_max_queued);
  options.connect_timeout = absl::GetFlag(FLAGS_db_connect_timeout);
  options.statement_timeout = absl::GetFlag(FLAGS_db_statement_timeout);
  options.serialization_retries = absl::GetFlag(FLAGS_db_serialization_retries);
  options.migrations = migrations.postgres;
  options.store_name = store_name;
  options.metrics = metrics;
  const absl::Duration startup = options.migration_timeout;
  auto db = PgDb::Open(std::move(options));
  if (!db.ok()) return db.status();
  // Start-up has no call to bound it: a server that stops answering now
  // fails the start within the migration timeout instead of hanging it.
  ScopedWorkBudget budget(WorkBudget{absl::Now() + startup, nullptr});
  auto epoch = PgSharedEpoch::Start(db->get());
  if (!epoch.ok()) return epoch.status();
  if (auto s = (*epoch)->Advance(); !s.ok()) return s;
  OpenedStore opened;
  opened.db = std::move(*db);
  opened.shared_epoch = std::move(*epoch);
  return opened;
}

}  // namespace outreach
