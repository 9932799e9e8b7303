#ifndef OUTREACH_SERVICES_RECOMMENDATIONS_RECOMMENDATION_STORE_H_
#define OUTREACH_SERVICES_RECOMMENDATIONS_RECOMMENDATION_STORE_H_

// Where outcomes are kept, behind a small interface (SQLite now). Every
// write takes a revision from one counter that only grows; revisions are
// the etags, and compare-and-set on them is what makes a transition atomic.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/sql/audit_log.h"
#include "common/sql/stored_counts.h"
#include "outreach/recommendations/v1/recommendations.pb.h"

namespace outreach::recommendations {

namespace v1 = ::outreach::recommendations::v1;

struct StoredRecommendation {
  v1::Recommendation recommendation;  // etag empty
  int64_t revision = 0;
};

struct CreateOutcome {
  StoredRecommendation stored;
  bool replayed = false;
};

struct RecommendationCursor {
  int64_t create_micros = 0;
  std::string id;
};

struct RecommendationQuery {
  std::string event;      // "events/{id}" or empty
  std::string addressee;  // "entities/{id}" or empty
  v1::RecommendationKind kind = v1::RECOMMENDATION_KIND_UNSPECIFIED;
  std::string area;  // lower case or empty
  v1::RecommendationStatus status = v1::RECOMMENDATION_STATUS_UNSPECIFIED;
  // "YYYY-MM-DD": due before this day and not in a final status.
  std::string overdue_as_of;
  int page_size = 50;
  std::optional<RecommendationCursor> after;
  // Whether confidential records (IsConfidential) are listed. Off unless
  // asked for: a store never shows them by default.
  bool include_confidential = false;
};

// An assistance need the State has not consented to publish: seen only by
// confidential readers (common/security/visibility.h).
inline bool IsConfidential(const v1::Recommendation& r) {
  return r.kind() == v1::RECOMMENDATION_KIND_ASSISTANCE_NEED &&
         !r.consent_to_publish();
}

struct RecommendationPage {
  std::vector<StoredRecommendation> recommendations;
  bool more = false;
};

// Implementations are thread-safe.
class RecommendationStore {
 public:
  virtual ~RecommendationStore() = default;
  // NOT_FOUND when absent.
  virtual absl::StatusOr<StoredRecommendation> Get(const std::string& id) = 0;
  // ALREADY_EXISTS when the id is taken. A known `request_id` with equal
  // `request_bytes` replays what it created; with other bytes it is
  // INVALID_ARGUMENT on request_id.
  // Every write appends its audit record, for `audit`'s caller, in its own
  // transaction (common/sql/audit_log.h); a replay appends none.
  virtual absl::StatusOr<CreateOutcome> Create(
      const v1::Recommendation& r, const std::string& request_id,
      const std::string& request_bytes, const AuditEntry& audit) = 0;
  // NOT_FOUND, or ABORTED when the revision is no longer `expected`. With
  // a `request_id`, records the result for Replay in the same transaction.
  virtual absl::StatusOr<StoredRecommendation> Update(
      const v1::Recommendation& r, int64_t expected, const AuditEntry& audit,
      const std::string& request_id = "",
      const std::string& request_bytes = "") = 0;
  // What a write with `request_id` and `request_bytes` produced, while its
  // outcome still exists; nullopt when there was none (or it is gone).
  // INVALID_ARGUMENT when the id was used for other bytes.
  virtual absl::StatusOr<std::optional<StoredRecommendation>> Replay(
      const std::string& request_id, const std::string& request_bytes) = 0;
  // `expected` 0 deletes whatever is there.
  // Returns the revision the deletion took: what its cache tombstone
  // must carry.
  virtual absl::StatusOr<int64_t> Delete(const std::string& id,
                                         int64_t expected,
                                         const AuditEntry& audit) = 0;
  // One page of the audit trail, oldest first.
  virtual absl::StatusOr<AuditPage> ListAudit(const AuditQuery& query) = 0;
  virtual absl::StatusOr<RecommendationPage> List(
      const RecommendationQuery& query) = 0;
  // Every positive stored count (common/sql/stored_counts.h): dimensions
  // "status.0"/"status.1" (keyed by status number) and "area.0"/"area.1"
  // (keyed "{status}:{area}"), the suffix being the confidential flag.
  virtual absl::StatusOr<std::vector<StoredCount>> Counts() = 0;
  // The latest revision the store has given (cache plausibility).
  virtual absl::StatusOr<int64_t> LatestRevision() = 0;
  virtual absl::Status Ping() = 0;
};

}  // namespace outreach::recommendations

#endif  // OUTREACH_SERVICES_RECOMMENDATIONS_RECOMMENDATION_STORE_H_
