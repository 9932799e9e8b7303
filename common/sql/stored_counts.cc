#include "common/sql/stored_counts.h"

#include <atomic>

namespace outreach {

absl::Status AddToCount(SqlConnection& c, absl::string_view dimension,
                        absl::string_view key, int64_t delta) {
  auto stmt = c.Prepare(
      "INSERT INTO count_deltas (dimension, key, delta) VALUES (?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  if (auto s = stmt->Bind(1, dimension).Bind(2, key).Bind(3, delta).Run();
      !s.ok()) {
    return s;
  }
  // A transaction that runs again calls this again, which only moves the
  // fold on: any transaction may fold, and a fold is always correct.
  static std::atomic<uint64_t> changes{0};
  if (changes.fetch_add(1, std::memory_order_relaxed) % kFoldEvery !=
      kFoldEvery - 1) {
    return absl::OkStatus();
  }
  return FoldCounts(c);
}

absl::Status FoldCounts(SqlConnection& c) {
  // "WHERE true": SQLite's grammar needs it between a SELECT and ON
  // CONFLICT (the ON would otherwise read as a join's).
  auto fold = c.Prepare(
      "INSERT INTO counts (dimension, key, n) "
      "SELECT dimension, key, SUM(delta) FROM count_deltas WHERE true "
      "GROUP BY dimension, key "
      "ON CONFLICT (dimension, key) DO UPDATE SET n = counts.n + excluded.n");
  if (!fold.ok()) return fold.status();
  if (auto s = fold->Run(); !s.ok()) return s;
  auto drop = c.Prepare("DELETE FROM count_deltas");
  if (!drop.ok()) return drop.status();
  return drop->Run();
}

absl::StatusOr<std::vector<StoredCount>> ReadCounts(SqlDb& db) {
  std::vector<StoredCount> out;
  absl::Status s = db.Read([&](SqlConnection& c) -> absl::Status {
    out.clear();  // afresh if the read runs again
    auto stmt = c.Prepare(
        "SELECT dimension, key, CAST(SUM(n) AS BIGINT) FROM ("
        "SELECT dimension, key, n FROM counts "
        "UNION ALL SELECT dimension, key, delta FROM count_deltas) AS c "
        "GROUP BY dimension, key HAVING SUM(n) > 0 ORDER BY dimension, key");
    if (!stmt.ok()) return stmt.status();
    while (true) {
      auto row = stmt->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      out.push_back(
          {stmt->ColumnText(0), stmt->ColumnText(1), stmt->ColumnInt64(2)});
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace outreach
