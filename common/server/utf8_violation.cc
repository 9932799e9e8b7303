#include "common/server/utf8_violation.h"

#include <deque>
#include <set>
#include <utility>

#include "absl/base/call_once.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/stubs/logging.h"

namespace outreach {
namespace {

thread_local std::optional<std::string> last_violation;
google::protobuf::LogHandler* previous_handler = nullptr;

constexpr absl::string_view kPrefix = "String field '";
constexpr absl::string_view kInvalid = "' contains invalid UTF-8 data when parsing";

void CaptureUtf8Violation(google::protobuf::LogLevel level,
                          const char* filename, int line,
                          const std::string& message) {
  const size_t end = absl::string_view(message).find(kInvalid);
  if (absl::StartsWith(message, kPrefix) && end != std::string::npos) {
    last_violation = message.substr(kPrefix.size(), end - kPrefix.size());
    // Hostile input is answered, and the call logged; not a server error.
    return;
  }
  if (previous_handler != nullptr) {
    previous_handler(level, filename, line, message);
  }
}

}  // namespace

void InstallUtf8ViolationCapture() {
  static absl::once_flag once;
  absl::call_once(once, [] {
    previous_handler = google::protobuf::SetLogHandler(&CaptureUtf8Violation);
  });
}

std::optional<std::string> TakeUtf8Violation() {
  std::optional<std::string> v = std::move(last_violation);
  last_violation.reset();
  return v;
}

std::string FieldPathOf(const google::protobuf::Descriptor* message,
                        absl::string_view full_name) {
  if (message == nullptr) return std::string(full_name);
  std::deque<std::pair<const google::protobuf::Descriptor*, std::string>> queue;
  std::set<const google::protobuf::Descriptor*> seen;
  queue.emplace_back(message, "");
  seen.insert(message);
  while (!queue.empty()) {
    auto [type, prefix] = queue.front();
    queue.pop_front();
    for (int i = 0; i < type->field_count(); ++i) {
      const google::protobuf::FieldDescriptor* f = type->field(i);
      const std::string path =
          prefix.empty() ? f->name() : absl::StrCat(prefix, ".", f->name());
      if (f->full_name() == full_name) return path;
      const google::protobuf::Descriptor* child = f->message_type();
      if (child != nullptr && seen.insert(child).second) {
        queue.emplace_back(child, path);
      }
    }
  }
  return std::string(full_name);
}

}  // namespace outreach
