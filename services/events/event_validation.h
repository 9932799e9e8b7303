#ifndef OUTREACH_SERVICES_EVENTS_EVENT_VALIDATION_H_
#define OUTREACH_SERVICES_EVENTS_EVENT_VALIDATION_H_

// Validation of events and of the identifiers in requests. Every check adds
// a field violation rather than stopping at the first, so a client sees all
// of its mistakes in one answer.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/geo/iso3166.h"
#include "common/resource/resource_ids.h"
#include "common/status/status_util.h"
#include "common/time/calendar_date.h"
#include "outreach/events/v1/events.pb.h"

namespace outreach::events {

// Limits, stated once so the contract comments and the checks agree.
inline constexpr size_t kMaxTitle = 500;
inline constexpr size_t kMaxShortText = 200;
inline constexpr size_t kMaxParagraph = 10000;
inline constexpr int kMaxParagraphs = 200;
inline constexpr int kMaxOrganizers = 50;
inline constexpr int kMaxTopics = 50;
inline constexpr size_t kMaxEmail = 254;

// The id in "events/{id}"; INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<std::string> ParseEventName(absl::string_view name,
                                           absl::string_view field);

bool IsValidEmail(absl::string_view email);

// Adds a violation to `v` for each invalid field of `event`, with field
// paths under `prefix` (e.g. "event"). Output-only fields are not checked.
void ValidateEvent(const outreach::events::v1::Event& event,
                   const CountryRegistry& countries, absl::string_view prefix,
                   FieldViolations& v);

}  // namespace outreach::events

#endif  // OUTREACH_SERVICES_EVENTS_EVENT_VALIDATION_H_
