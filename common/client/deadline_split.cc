#include "common/client/deadline_split.h"

namespace outreach {

CallScope ShareOf(const CallScope& scope, double fraction) {
  if (scope.deadline == absl::InfiniteFuture()) return scope;
  CallScope out = scope;
  const absl::Time now = absl::Now();
  out.deadline = now + (scope.deadline - now) * fraction;
  return out;
}

}  // namespace outreach
