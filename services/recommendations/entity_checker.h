#ifndef OUTREACH_SERVICES_RECOMMENDATIONS_ENTITY_CHECKER_H_
#define OUTREACH_SERVICES_RECOMMENDATIONS_ENTITY_CHECKER_H_

// Whether addressees exist, asked of the participants service in one batch
// call. Behind an interface so the manager's tests hand in a fake.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/cache/cache_aside.h"
#include "common/client/call_policy.h"
#include "outreach/participants/v1/participants.grpc.pb.h"

namespace outreach::recommendations {

class EntityChecker {
 public:
  virtual ~EntityChecker() = default;
  // OK when every name ("entities/{id}") exists; NOT_FOUND naming the
  // missing ones; UNAVAILABLE when the participants service cannot answer
  // within the deadline.
  virtual absl::Status CheckAll(const CallScope& scope,
                                const std::vector<std::string>& names) = 0;
};

// BatchGetEntities under the shared call policy, with confirmed entities
// cached in the shared Redis cache for its TTL (the same policy as the
// participants service's event check): only names not in the cache are
// asked for, in one call.
class GrpcEntityChecker final : public EntityChecker {
 public:
  // None owned.
  GrpcEntityChecker(
      outreach::participants::v1::ParticipantsService::StubInterface* stub,
      const CallPolicy* policy, CacheAside* cache)
      : stub_(stub), policy_(policy), cache_(cache) {}

  absl::Status CheckAll(const CallScope& scope,
                        const std::vector<std::string>& names) override;

 private:
  outreach::participants::v1::ParticipantsService::StubInterface* const stub_;
  const CallPolicy* const policy_;
  CacheAside* const cache_;
};

}  // namespace outreach::recommendations

#endif  // OUTREACH_SERVICES_RECOMMENDATIONS_ENTITY_CHECKER_H_
