#ifndef OUTREACH_SERVICES_GATEWAY_NOTE_HEADER_H_
#define OUTREACH_SERVICES_GATEWAY_NOTE_HEADER_H_

// Stage 4: the header, the lines before the first section heading. A row is
// a label and its value, where the label
// - is followed by a tab ("Event<TAB>…", the seed's table), a colon
//   ("Event: …"), or stands on a line of its own with the value below;
// - may be numbered ("1. Event:", "3) Date:") and come in any order;
// - is one of the label words of DOMAIN.md: Event (Title); Organizer,
//   Organizers, Organiser, Organized by; Date and Venue, Dates and venue,
//   Venue and Date (place first), Date, Dates, Venue, Place, Location;
//   Participants.
// A value runs on over the following lines until the next label. Headers
// that PDF extraction ran together into one paragraph ("Event: X
// Organizer: Y Date and Venue: Z Participants: …") are split at each label
// followed by a colon.
//
// Label matching is RE2 (linear time), one search per label found.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/gateway/note/note_types.h"

namespace outreach::gateway::note {

// A field's value as lines of text, each with the input line it came from.
struct HeaderValue {
  std::string label;  // as printed
  int label_line = 0;
  std::vector<Line> lines;
  // The lines joined with spaces.
  std::string Joined() const;
};

struct Header {
  // First occurrence of each field; a repeated label is warned about and
  // its value appended.
  std::map<HeaderField, HeaderValue> fields;
  std::vector<Warning> warnings;
};

// Reads lines [0, end) that no earlier stage accounted for.
absl::StatusOr<Header> ReadHeader(const std::vector<Line>& lines, size_t end,
                                  std::vector<LineAccount>& accounts,
                                  Budget& budget);

}  // namespace outreach::gateway::note

#endif  // OUTREACH_SERVICES_GATEWAY_NOTE_HEADER_H_
