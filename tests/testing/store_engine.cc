#include "tests/testing/store_engine.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"

namespace outreach::testing {

bool StoreEngine::PostgresRequested() {
  const char* engine = std::getenv("OUTREACH_TEST_ENGINE");
  return engine != nullptr && std::string(engine) == "postgres";
}

StoreEngine::StoreEngine(std::string dir) : dir_(std::move(dir)) {
  if (PostgresRequested()) server_ = std::make_unique<PostgresServer>(dir_);
}

absl::Status StoreEngine::Start() {
  if (server_ == nullptr) return absl::OkStatus();
  if (auto s = server_->Start(); !s.ok()) return s;
  for (const char* db : {"events", "participants", "recommendations"}) {
    auto made = server_->Psql(absl::StrCat("CREATE DATABASE ", db,
                                           " OWNER outreach"));
    if (!made.ok()) return made.status();
  }
  return absl::OkStatus();
}

std::string StoreEngine::StoreFlag(const std::string& service) const {
  if (server_ == nullptr) {
    return absl::StrCat("--db_path=", dir_, "/", service, ".db");
  }
  return absl::StrCat("--database_url=", server_->url(service));
}

}  // namespace outreach::testing
