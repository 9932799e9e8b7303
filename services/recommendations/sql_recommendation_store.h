#ifndef OUTREACH_SERVICES_RECOMMENDATIONS_SQL_RECOMMENDATION_STORE_H_
#define OUTREACH_SERVICES_RECOMMENDATIONS_SQL_RECOMMENDATION_STORE_H_

// RecommendationStore on SQL, written once for both engines (common/sql/
// sql_db.h): each outcome whole as a serialized proto, beside the columns
// and the addressee and area tables that filters use.

#include <memory>

#include "common/sql/sql_db.h"
#include "common/sql/table_copy.h"
#include "common/sqlite/sqlite_db.h"
#include "services/recommendations/recommendation_store.h"

namespace outreach::recommendations {

class SqlRecommendationStore final : public RecommendationStore {
 public:
  // The schema, per engine; the database is opened with them.
  static const StoreMigrations& Migrations();
  // Every table, for moving the store between engines
  // (common/sql/table_copy.h).
  static const StoreSpec& Tables();
  // Opens or creates the SQLite database at options.path and migrates it.
  static absl::StatusOr<std::unique_ptr<SqlRecommendationStore>> Open(
      SqliteOptions options);
  // On `db`, opened with Migrations(); finishes what the migrations leave
  // to code (BackfillConfidential).
  static absl::StatusOr<std::unique_ptr<SqlRecommendationStore>> Open(
      std::unique_ptr<SqlDb> db);

  absl::StatusOr<StoredRecommendation> Get(const std::string& id) override;
  absl::StatusOr<CreateOutcome> Create(
      const v1::Recommendation& r, const std::string& request_id,
      const std::string& request_bytes, const AuditEntry& audit) override;
  absl::StatusOr<StoredRecommendation> Update(
      const v1::Recommendation& r, int64_t expected, const AuditEntry& audit,
      const std::string& request_id,
      const std::string& request_bytes) override;
  absl::StatusOr<std::optional<StoredRecommendation>> Replay(
      const std::string& request_id,
      const std::string& request_bytes) override;
  absl::StatusOr<int64_t> Delete(const std::string& id, int64_t expected,
                                 const AuditEntry& audit) override;
  absl::StatusOr<RecommendationPage> List(
      const RecommendationQuery& query) override;
  absl::StatusOr<AuditPage> ListAudit(const AuditQuery& query) override;
  absl::StatusOr<int64_t> LatestRevision() override {
    return db_->LatestRevision();
  }
  absl::StatusOr<std::vector<StoredCount>> Counts() override {
    return ReadCounts(*db_);
  }
  absl::Status Ping() override;
  // The store's incarnation (common/sql/sql_db.h), for cache keys.
  const std::string& incarnation() const { return db_->incarnation(); }

 private:
  absl::StatusOr<std::optional<StoredRecommendation>> ReplayIn(
      SqlConnection& c, const std::string& request_id,
      const std::string& request_bytes, absl::Time now);
  explicit SqlRecommendationStore(std::unique_ptr<SqlDb> db)
      : db_(std::move(db)) {}
  std::unique_ptr<SqlDb> db_;
};

}  // namespace outreach::recommendations

#endif  // OUTREACH_SERVICES_RECOMMENDATIONS_SQL_RECOMMENDATION_STORE_H_
