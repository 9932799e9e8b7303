#ifndef OUTREACH_SERVICES_GATEWAY_NOTE_NORMALIZE_H_
#define OUTREACH_SERVICES_GATEWAY_NOTE_NORMALIZE_H_

// Stage 1: the note's bytes become lines of plain text, one per input line,
// so that every later stage sees one spelling of each thing and the line
// numbers stay those of the text as sent.
//
// - Invalid UTF-8 is refused, naming the byte offset of the first bad byte.
// - Line endings: CRLF, CR, form feed, vertical tab, NEL, U+2028 and U+2029
//   end a line.
// - NUL and other control characters are removed with a warning; text that
//   is mostly control characters is refused as binary.
// - Dashes and minus signs become '-', curly and angled quotes straight
//   ones, every kind of space ' '; zero-width characters, the BOM and soft
//   hyphens go; the ligatures PDF extractors leave (ﬁ, ﬂ, …) are spelled
//   out. Superscript digits are kept: they are footnote markers.
// - A run of three or more spaces, or any tab, becomes one tab (PDF table
//   cells); other runs of spaces become one space; lines are trimmed.
//
// One pass over the input: linear time. Refuses, with a field violation
// naming the limit, a note over `max_bytes`, a line over `max_line_bytes`
// or more than `max_lines` lines.

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/gateway/note/note_types.h"

namespace outreach::gateway::note {

struct NormalizedText {
  std::vector<Line> lines;
  std::vector<Warning> warnings;
};

absl::StatusOr<NormalizedText> Normalize(absl::string_view text,
                                         absl::string_view field,
                                         const ParseLimits& limits,
                                         Budget& budget);


}  // namespace outreach::gateway::note

#endif  // OUTREACH_SERVICES_GATEWAY_NOTE_NORMALIZE_H_
