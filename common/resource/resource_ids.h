#ifndef OUTREACH_COMMON_RESOURCE_RESOURCE_IDS_H_
#define OUTREACH_COMMON_RESOURCE_RESOURCE_IDS_H_

// Identifiers every service's resources share: ids (AIP-122), readable
// slugs, etags derived from store revisions (AIP-154), request ids
// (AIP-155) and opaque page tokens (AIP-158).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace outreach {

// 1-63 characters of [a-z0-9-], starting with a letter and not ending with
// a hyphen.
bool IsValidId(absl::string_view id);

// A readable id from free text: "Wiesbaden II: Industry" -> "wiesbaden-ii-
// industry", cut at a word boundary near `max_length`, with `suffix`
// (e.g. a year) appended after a hyphen when not empty. Always a valid id.
// Text with no ASCII letters or digits gives `fallback`; a slug that would
// start with a digit gets `fallback` and a hyphen in front.
std::string Slugify(absl::string_view text, absl::string_view suffix = "",
                    size_t max_length = 48,
                    absl::string_view fallback = "item");

// The id with "-<n>" appended, kept within 63 characters.
std::string WithNumberSuffix(absl::string_view id, int n);

// The etag of a store revision, and back. INVALID_ARGUMENT on `field` when
// `etag` was not made by EtagForRevision.
std::string EtagForRevision(int64_t revision);
absl::StatusOr<int64_t> RevisionFromEtag(absl::string_view etag,
                                         absl::string_view field);

// True for a canonical textual UUID (8-4-4-4-12 hex digits).
bool IsUuid(absl::string_view text);

// Page tokens: `parts` bound to a fingerprint of the query that made them.
uint64_t Fingerprint(const std::vector<absl::string_view>& query_parts);
std::string EncodePageToken(uint64_t fingerprint,
                            const std::vector<std::string>& parts);
// INVALID_ARGUMENT on "page_token" when malformed, of another shape (not
// `n_parts` parts), or made for another query.
absl::StatusOr<std::vector<std::string>> DecodePageToken(
    absl::string_view token, uint64_t fingerprint, size_t n_parts);

}  // namespace outreach

#endif  // OUTREACH_COMMON_RESOURCE_RESOURCE_IDS_H_
