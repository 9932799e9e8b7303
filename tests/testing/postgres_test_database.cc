#include "tests/testing/postgres_test_database.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"

namespace outreach::testing {

PostgresServer* SharedPostgresServer() {
  // Made once and left to the end of the process; the server dies with
  // it (PostgresServer's children are killed with their parent).
  static PostgresServer* const server = [] {
    auto dir = std::filesystem::temp_directory_path() /
               absl::StrCat("outreach-pg-", getpid());
    std::filesystem::create_directories(dir);
    auto* s = new PostgresServer(dir.string());
    if (auto status = s->Start(); !status.ok()) {
      ADD_FAILURE() << "PostgreSQL did not start: " << status;
      delete s;
      return static_cast<PostgresServer*>(nullptr);
    }
    // Stopped cleanly, and its folder removed, when the tests are done.
    std::atexit([] {
      delete SharedPostgresServer();
      std::filesystem::remove_all(std::filesystem::temp_directory_path() /
                                  absl::StrCat("outreach-pg-", getpid()));
    });
    return s;
  }();
  return server;
}

std::unique_ptr<PgDb> OpenTestDatabase(
    const std::string& dir, const std::string& store_name,
    const std::vector<std::string>& migrations) {
  PostgresServer* server = SharedPostgresServer();
  if (server == nullptr) return nullptr;
  // The folder remembers its database, so that opening it again finds the
  // same data, while a folder made anew (even at a path used before) gets
  // a database of its own.
  const std::string marker = dir + "/postgres-database-" + store_name;
  std::string database;
  if (std::ifstream in(marker); in) std::getline(in, database);
  if (database.empty()) {
    static std::atomic<int> made{0};
    database = absl::StrFormat("t%d_%d", getpid(), made.fetch_add(1));
    if (auto created = server->Psql(absl::StrCat("CREATE DATABASE ", database,
                                                 " OWNER outreach"));
        !created.ok()) {
      ADD_FAILURE() << created.status();
      return nullptr;
    }
    std::ofstream(marker) << database << "\n";
  }
  PostgresOptions options;
  options.url = server->url(database);
  options.migrations = migrations;
  options.store_name = store_name;
  auto db = PgDb::Open(std::move(options));
  if (!db.ok()) {
    ADD_FAILURE() << db.status();
    return nullptr;
  }
  return std::move(*db);
}

}  // namespace outreach::testing
