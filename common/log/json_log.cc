#include "common/log/json_log.h"

#include <unistd.h>

#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace outreach {

void Log(LogSeverity severity, absl::string_view message,
         nlohmann::json fields) {
  if (!fields.is_object()) fields = nlohmann::json::object();
  fields["time"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                    absl::UTCTimeZone());
  switch (severity) {
    case LogSeverity::kInfo:
      fields["severity"] = "INFO";
      break;
    case LogSeverity::kWarning:
      fields["severity"] = "WARNING";
      break;
    case LogSeverity::kError:
      fields["severity"] = "ERROR";
      break;
  }
  fields["message"] = std::string(message);
  // Invalid UTF-8 (e.g. from a peer's metadata) is replaced, never thrown.
  std::string line =
      fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line.push_back('\n');
  // A short write on stderr is not worth failing a request over.
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace outreach
