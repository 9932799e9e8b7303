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

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

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

// Resource names, "<collection>{id}" with collection "events/",
// "entities/", "recommendations/": the one reading of them for every
// service. ParseResourceName gives the id, or INVALID_ARGUMENT on `field`
// saying what form the name must have ("is required" when empty).
absl::StatusOr<std::string> ParseResourceName(absl::string_view name,
                                              absl::string_view collection,
                                              absl::string_view field);
bool IsResourceName(absl::string_view name, absl::string_view collection);
// The id of a name already checked (or written by the service itself).
std::string IdFromName(absl::string_view name, absl::string_view collection);
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

// A proto enum value from its name in a filter: "HELD", "held" or
// "EVENT_STATUS_HELD" (with `prefix` "EVENT_STATUS_"). `parse` is the
// generated <Enum>_Parse.
template <typename Enum>
bool ParseEnumName(absl::string_view prefix, absl::string_view text,
                   bool (*parse)(const std::string&, Enum*), Enum* out) {
  std::string upper(text);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return parse(upper, out) || parse(std::string(prefix) + upper, out);
}

// The message's bytes in deterministic serialization, to compare a retried
// request with the first one (AIP-155).
std::string DeterministicBytes(const google::protobuf::Message& message);
// The same without unknown fields: what the server understood of a
// request, for keys of results computed from it. Two requests that differ
// only in fields this build does not know ask for the same thing.
std::string CanonicalBytes(const google::protobuf::Message& message);

// Whether `bytes` is a `Message` whose etag is that of `revision`: what a
// cache entry stored at `revision` must hold (CacheAsideOptions::plausible).
template <typename Message>
bool IsMessageAtRevision(int64_t revision, absl::string_view bytes) {
  Message m;
  return m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) &&
         m.etag() == EtagForRevision(revision);
}

}  // namespace outreach

#endif  // OUTREACH_COMMON_RESOURCE_RESOURCE_IDS_H_
