#ifndef OUTREACH_COMMON_CLIENT_DEADLINE_SPLIT_H_
#define OUTREACH_COMMON_CLIENT_DEADLINE_SPLIT_H_

// How a composite call divides its caller's deadline among the calls it
// makes: one policy, named here, instead of constants in handlers.

#include "common/client/call_policy.h"

namespace outreach {

struct DeadlineShares {
  // A first read whose answer decides what follows (name resolution, a
  // profile's entity): a share of what is left, so that the rest still
  // has time.
  double lookup = 0.3;
  // The parallel reads of a composite view: most of what is left, keeping
  // some to compose and answer.
  double fanout = 0.9;
  // Each sequential write of an import: all that is left (the call
  // policy keeps its margin). A step that runs out fails the import, which
  // can then be run again and resumes there.
  double write_step = 1.0;
};

// `scope` with its deadline moved to now + `fraction` of the time left;
// unchanged when the caller set no deadline.
CallScope ShareOf(const CallScope& scope, double fraction);

}  // namespace outreach

#endif  // OUTREACH_COMMON_CLIENT_DEADLINE_SPLIT_H_
