// libFuzzer target: ListEvents' filter and order_by, as the events service
// parses them. Malformed input is INVALID_ARGUMENT with a field violation.

#include <cstdint>
#include <cstdlib>

#include "absl/status/status.h"
#include "common/status/status_util.h"
#include "services/events/list_query.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  for (const absl::Status& s :
       {outreach::events::ParseFilter(text).status(),
        outreach::events::ParseOrderBy(text).status()}) {
    if (s.ok()) continue;
    if (s.code() != absl::StatusCode::kInvalidArgument) abort();
    if (outreach::GetFieldViolations(s).empty()) abort();
  }
  return 0;
}
