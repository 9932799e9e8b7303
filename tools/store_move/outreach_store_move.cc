// Moves a store between engines: export from SQLite (or PostgreSQL) to the
// portable form of common/sql/table_copy.h, import into an empty
// PostgreSQL (or SQLite) store, and verify the store against the export.
//
//   outreach_store_move --store=events --db_path=data/events.db
//       --file=events.jsonl export
//   OUTREACH_DATABASE_URL=postgresql://outreach@db/events
//       outreach_store_move --store=events --file=events.jsonl import
//   OUTREACH_DATABASE_URL=... outreach_store_move --store=events
//       --file=events.jsonl verify
//
// The store is the SQLite file at --db_path unless --database_url (or
// OUTREACH_DATABASE_URL) names a PostgreSQL database, as for the services
// (common/sql/store_flags.h). Exit status: 0 done (verify: every row
// equal), 1 verify found a difference, 2 bad arguments or an error.
// docs/operations.md, "From SQLite to PostgreSQL", gives the procedure.

#include <fstream>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/config/env_flags.h"
#include "common/sql/store_flags.h"
#include "common/sql/table_copy.h"
#include "services/events/sql_event_store.h"
#include "services/participants/sql_participant_store.h"
#include "services/recommendations/sql_recommendation_store.h"

ABSL_FLAG(std::string, store, "",
          "events, participants or recommendations.");
ABSL_FLAG(std::string, db_path, "",
          "The store's SQLite file, when --database_url is empty.");
ABSL_FLAG(std::string, file, "", "The export (JSON Lines) to write or read.");

namespace outreach {
namespace {

struct Known {
  const StoreSpec* tables;
  const StoreMigrations* migrations;
};

bool Find(const std::string& store, Known* out) {
  if (store == "events") {
    *out = {&events::SqlEventStore::Tables(),
            &events::SqlEventStore::Migrations()};
  } else if (store == "participants") {
    *out = {&participants::SqlParticipantStore::Tables(),
            &participants::SqlParticipantStore::Migrations()};
  } else if (store == "recommendations") {
    *out = {&recommendations::SqlRecommendationStore::Tables(),
            &recommendations::SqlRecommendationStore::Migrations()};
  } else {
    return false;
  }
  return true;
}

int Run(const std::string& command) {
  const std::string store = absl::GetFlag(FLAGS_store);
  const std::string path = absl::GetFlag(FLAGS_file);
  Known known;
  if (!Find(store, &known) || path.empty() ||
      (command != "export" && command != "import" && command != "verify")) {
    std::cerr << "usage: outreach_store_move --store=events|participants|"
                 "recommendations --file=F [--db_path=P | --database_url=U] "
                 "export|import|verify\n";
    return 2;
  }
  auto opened = OpenStoreFromFlags(absl::GetFlag(FLAGS_db_path), store,
                                   *known.migrations, nullptr);
  if (!opened.ok()) {
    std::cerr << "cannot open " << StoreLocationForLog(
                                       absl::GetFlag(FLAGS_db_path))
              << ": " << opened.status() << "\n";
    return 2;
  }
  SqlDb& db = *opened->db;
  if (command == "export") {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (auto s = ExportStore(db, *known.tables, out); !s.ok()) {
      std::cerr << "export failed: " << s << "\n";
      return 2;
    }
    std::cout << "exported " << store << " to " << path << "\n";
    return 0;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    return 2;
  }
  if (command == "import") {
    if (auto s = ImportStore(db, *known.tables, in); !s.ok()) {
      std::cerr << "import failed, nothing was written: " << s << "\n";
      return 2;
    }
    std::cout << "imported " << path << " into " << store
              << "; run verify next\n";
    return 0;
  }
  auto check = VerifyStore(db, *known.tables, in);
  if (!check.ok()) {
    std::cerr << "verify failed: " << check.status() << "\n";
    return 2;
  }
  for (const auto& [table, t] : check->tables) {
    std::cout << table << ": " << t.expected << " exported, " << t.found
              << " stored, " << t.equal << " equal\n";
  }
  std::cout << "revision counter: " << check->exported_revision
            << " exported, " << check->store_revision << " stored\n";
  std::cout << (check->ok() ? "OK: the store holds exactly the export\n"
                            : "DIFFERENT: the store does not hold the export\n");
  return check->ok() ? 0 : 1;
}

}  // namespace
}  // namespace outreach

int main(int argc, char** argv) {
  auto args = outreach::ParseFlagsWithEnv(
      argc, argv, "Moves an Outreach store between SQLite and PostgreSQL.");
  return outreach::Run(args.size() == 2 ? args[1] : "");
}
