// libFuzzer target: resource ids and names. A slug is always a valid id;
// an etag that parses is the etag of its revision; UUIDs are canonical.

#include <cstdint>
#include <cstdlib>

#include "absl/status/status.h"
#include "common/resource/resource_ids.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string slug = outreach::Slugify(text, "", 40, "event");
  if (!outreach::IsValidId(slug)) abort();
  const std::string suffixed = outreach::Slugify(text, "2013", 63, "event");
  if (!outreach::IsValidId(suffixed)) abort();
  if (!outreach::IsValidId(outreach::WithNumberSuffix(slug, 7))) abort();
  if (outreach::IsValidId(text) && text.size() > 63) abort();
  auto revision = outreach::RevisionFromEtag(text, "etag");
  if (revision.ok()) {
    auto again = outreach::RevisionFromEtag(
        outreach::EtagForRevision(*revision), "etag");
    if (!again.ok() || *again != *revision) abort();
  } else if (revision.status().code() != absl::StatusCode::kInvalidArgument &&
             revision.status().code() != absl::StatusCode::kAborted) {
    abort();
  }
  if (outreach::IsUuid(text) && text.size() != 36) abort();
  return 0;
}
