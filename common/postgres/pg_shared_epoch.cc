#include "common/postgres/pg_shared_epoch.h"

#include <poll.h>

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/concurrency/work_budget.h"
#include "common/log/json_log.h"

namespace outreach {

absl::StatusOr<std::unique_ptr<PgSharedEpoch>> PgSharedEpoch::Start(
    PgDb* db, absl::Duration poll) {
  std::unique_ptr<PgSharedEpoch> epoch(new PgSharedEpoch(db, poll));
  if (auto s = epoch->Refresh(); !s.ok()) return s;
  epoch->thread_ = std::thread([e = epoch.get()] { e->Listen(); });
  return epoch;
}

PgSharedEpoch::~PgSharedEpoch() {
  stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void PgSharedEpoch::Learn(int64_t epoch) {
  int64_t known = current_.load();
  while (epoch > known && !current_.compare_exchange_weak(known, epoch)) {
  }
}

absl::Status PgSharedEpoch::Refresh() {
  int64_t value = 0;
  absl::Status s = db_->Read([&](SqlConnection& c) -> absl::Status {
    auto stmt = c.Prepare("SELECT value FROM outreach_cache_epoch LIMIT 1");
    if (!stmt.ok()) return stmt.status();
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::InternalError("outreach_cache_epoch is empty");
    value = stmt->ColumnInt64(0);
    return absl::OkStatus();
  });
  if (s.ok()) Learn(value);
  return s;
}

absl::Status PgSharedEpoch::Advance() {
  int64_t value = 0;
  absl::Status s = db_->Write([&](SqlConnection& c) -> absl::Status {
    auto move = c.Prepare(
        "UPDATE outreach_cache_epoch SET value = value + 1 RETURNING value");
    if (!move.ok()) return move.status();
    auto row = move->Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::InternalError("outreach_cache_epoch is empty");
    value = move->ColumnInt64(0);
    // Delivered at COMMIT, to every replica listening.
    auto tell = c.Prepare("SELECT pg_notify('outreach_cache_epoch', ?)");
    if (!tell.ok()) return tell.status();
    return tell->Bind(1, absl::StrCat(value)).Run();
  });
  if (s.ok()) Learn(value);
  return s;
}

void PgSharedEpoch::Listen() {
  std::unique_ptr<PgConnection> conn;
  absl::Time next_refresh = absl::Now();
  while (!stop_.HasBeenNotified()) {
    if (conn == nullptr || conn->broken()) {
      conn.reset();
      auto c = db_->Connect(absl::Now() + absl::Seconds(5));
      if (c.ok()) {
        (*c)->set_deadline(absl::Now() + absl::Seconds(5));
        if ((*c)->Exec("LISTEN outreach_cache_epoch").ok()) {
          conn = std::move(*c);
          next_refresh = absl::Now();  // what was missed meanwhile
        }
      }
      if (conn == nullptr) {
        stop_.WaitForNotificationWithTimeout(std::min(poll_, absl::Seconds(1)));
        continue;
      }
    }
    if (absl::Now() >= next_refresh) {
      // Bounded, so that a database that stops answering cannot hold this
      // thread (and the process's exit, which joins it).
      ScopedWorkBudget budget(WorkBudget{absl::Now() + absl::Seconds(2), nullptr});
      if (auto s = Refresh(); !s.ok()) {
        LogWarning("cannot read the shared cache epoch",
                   {{"error", std::string(s.message())}});
      }
      next_refresh = absl::Now() + poll_;
    }
    pollfd p{PQsocket(conn->raw()), POLLIN, 0};
    const int ms = static_cast<int>(std::clamp<int64_t>(
        absl::ToInt64Milliseconds(next_refresh - absl::Now()), 1, 200));
    poll(&p, 1, ms);
    if (!PQconsumeInput(conn->raw())) {
      conn.reset();
      continue;
    }
    while (PGnotify* n = PQnotifies(conn->raw())) {
      int64_t value = 0;
      if (absl::SimpleAtoi(n->extra, &value)) Learn(value);
      PQfreemem(n);
    }
  }
}

}  // namespace outreach
