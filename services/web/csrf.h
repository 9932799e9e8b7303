#ifndef OUTREACH_SERVICES_WEB_CSRF_H_
#define OUTREACH_SERVICES_WEB_CSRF_H_

// CSRF tokens for the forms that write (import, lifecycle transitions).
//
// A token is "<issued unix seconds>.<HMAC-SHA256(key, subject, issued)>",
// bound to the signed-in person and valid for `lifetime`. No session or
// cookie is kept: another site can make a browser post a form, with the
// proxy's cookie, but cannot read a page of ours to learn the token. The
// key must be the same on every replica (a Secret, --csrf_key_file); a
// random one per process is the single-replica default.
//
// Thread-safe.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/time/clock.h"

namespace outreach::web {

class CsrfTokens {
 public:
  CsrfTokens(std::string key, absl::Duration lifetime,
             Clock* clock = SystemClock::Default())
      : key_(std::move(key)), lifetime_(lifetime), clock_(clock) {}

  // 32 random bytes.
  static std::string RandomKey();
  // The file's bytes; INVALID_ARGUMENT when unreadable or under 32 bytes.
  static absl::StatusOr<std::string> KeyFromFile(const std::string& path);

  std::string Issue(absl::string_view subject) const;
  // PERMISSION_DENIED, saying why, unless `token` was issued to `subject`
  // within the lifetime.
  absl::Status Check(absl::string_view subject, absl::string_view token) const;

 private:
  std::string Mac(absl::string_view subject, int64_t issued) const;

  const std::string key_;
  const absl::Duration lifetime_;
  Clock* const clock_;
};

}  // namespace outreach::web

#endif  // OUTREACH_SERVICES_WEB_CSRF_H_
