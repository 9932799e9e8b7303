#ifndef OUTREACH_COMMON_POSTGRES_PG_SHARED_EPOCH_H_
#define OUTREACH_COMMON_POSTGRES_PG_SHARED_EPOCH_H_

// The cache key epoch the replicas of one PostgreSQL store share
// (common/cache/shared_epoch.h), kept in the store's own database: the
// one-row table outreach_cache_epoch (made at Open, pg_db.cc).
//
// Advance() adds one in a transaction that also NOTIFYs the channel
// `outreach_cache_epoch`; every replica LISTENs on a connection of its own
// and takes the new value as the notice arrives. A replica also reads the
// table every `poll` and whenever it (re)connects, so a notice missed while
// its connection was down is made up.
//
// Why the database and not Redis: a replica advances the epoch because it
// could not reach Redis to invalidate; it can still reach the database,
// which it has just written to.

#include <atomic>
#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/cache/shared_epoch.h"
#include "common/postgres/pg_db.h"

namespace outreach {

class PgSharedEpoch final : public SharedCacheEpoch {
 public:
  // Reads the epoch, then listens for moves on a thread of its own. `db`
  // is not owned and outlives this.
  static absl::StatusOr<std::unique_ptr<PgSharedEpoch>> Start(
      PgDb* db, absl::Duration poll = absl::Seconds(1));
  ~PgSharedEpoch() override;

  int64_t Current() const override { return current_.load(); }
  absl::Status Advance() override;

 private:
  PgSharedEpoch(PgDb* db, absl::Duration poll) : db_(db), poll_(poll) {}
  absl::Status Refresh();
  void Learn(int64_t epoch);
  void Listen();

  PgDb* const db_;
  const absl::Duration poll_;
  std::atomic<int64_t> current_{0};
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_POSTGRES_PG_SHARED_EPOCH_H_
