#ifndef OUTREACH_COMMON_LOG_JSON_LOG_H_
#define OUTREACH_COMMON_LOG_JSON_LOG_H_

// Structured logs: one JSON object per line on stderr, the form log
// collectors in Kubernetes parse without configuration. Thread-safe; each
// line goes out in one write(2), so lines from different threads never
// interleave.

#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace outreach {

enum class LogSeverity { kInfo, kWarning, kError };

// Writes `fields` plus "time" (RFC 3339, UTC), "severity" and "message".
void Log(LogSeverity severity, absl::string_view message,
         nlohmann::json fields = nlohmann::json::object());

inline void LogInfo(absl::string_view message,
                    nlohmann::json fields = nlohmann::json::object()) {
  Log(LogSeverity::kInfo, message, std::move(fields));
}
inline void LogWarning(absl::string_view message,
                       nlohmann::json fields = nlohmann::json::object()) {
  Log(LogSeverity::kWarning, message, std::move(fields));
}
inline void LogError(absl::string_view message,
                     nlohmann::json fields = nlohmann::json::object()) {
  Log(LogSeverity::kError, message, std::move(fields));
}

}  // namespace outreach

#endif  // OUTREACH_COMMON_LOG_JSON_LOG_H_
