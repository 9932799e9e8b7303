// libFuzzer target: page tokens, the events service's and the common ones.
// A token that decodes must encode back to one that decodes alike, and a
// token is bound to its query.

#include <cstdint>
#include <cstdlib>

#include "absl/status/status.h"
#include "common/resource/resource_ids.h"
#include "services/events/list_query.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view token(reinterpret_cast<const char*>(data), size);
  for (const char* order : {"", "title", "start_date desc"}) {
  const uint64_t fp = outreach::events::QueryFingerprint("", order);
  auto cursor = outreach::events::DecodePageToken(token, fp);
  if (cursor.ok()) {
    auto again = outreach::events::DecodePageToken(
        outreach::events::EncodePageToken(fp, *cursor), fp);
    if (!again.ok() || again->id != cursor->id ||
        again->sort_value != cursor->sort_value) {
      abort();
    }
    if (outreach::events::DecodePageToken(
            token, outreach::events::QueryFingerprint("x", ""))
            .ok()) {
      abort();  // bound to another query
    }
  } else if (cursor.status().code() != absl::StatusCode::kInvalidArgument) {
    abort();
  }
  }
  for (size_t parts = 1; parts <= 3; ++parts) {
    auto decoded = outreach::DecodePageToken(token, 42, parts);
    if (decoded.ok()) {
      if (decoded->size() != parts) abort();
      auto again = outreach::DecodePageToken(
          outreach::EncodePageToken(42, *decoded), 42, parts);
      if (!again.ok() || *again != *decoded) abort();
    } else if (decoded.status().code() != absl::StatusCode::kInvalidArgument) {
      abort();
    }
  }
  return 0;
}
