#ifndef OUTREACH_COMMON_SECURITY_VISIBILITY_H_
#define OUTREACH_COMMON_SECURITY_VISIBILITY_H_

// Who sees confidential records: assistance needs a State has not agreed
// to publish. Every service and the gateway decide it here, from the
// caller's role, so that the recommendations service's answers and the
// gateway's composite cache agree.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace outreach {

enum class Visibility {
  kPublic,        // confidential records are hidden, as if absent
  kConfidential,  // everything
};

class ConfidentialReaders {
 public:
  // `roles`: the roles (people's or services') that see everything.
  explicit ConfidentialReaders(std::vector<std::string> roles)
      : roles_(std::move(roles)) {}

  // An unauthenticated caller exists only on a plaintext server, where
  // security is off: it sees everything. An authenticated one sees
  // everything only in one of `roles`.
  Visibility For(absl::string_view role, bool authenticated) const;

 private:
  std::vector<std::string> roles_;
};

// The default of --confidential_readers: the people allowed to, and the
// services that must see every record to keep the suite consistent (the
// events service before it deletes an event; the gateway's importer
// converging on what a note already created).
inline constexpr char kDefaultConfidentialReaders[] =
    "admin,confidential-reader,events,gateway";

}  // namespace outreach

#endif  // OUTREACH_COMMON_SECURITY_VISIBILITY_H_
