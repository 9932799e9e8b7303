#ifndef OUTREACH_SERVICES_GATEWAY_NOTE_SECTIONS_H_
#define OUTREACH_SERVICES_GATEWAY_NOTE_SECTIONS_H_

// Stage 3: the note's sections. A heading is a short line, plain,
// upper-case or numbered ("1.", "2)", "II."), with an optional colon:
// Background (also Context, Introduction); Objectives (also "Objectives for
// 1540 expert participation", "Objectives of the experts' participation",
// Purpose); Highlights (also "Main outcomes", "Summary of discussions",
// Outcomes); Additional comments (also Follow-up, Comments, Next steps).
//
// Below a heading, each bullet ("-", "•", "*", "o", "▪") or paragraph is
// one entry. A line that continues the entry before it (that entry does not
// end a sentence, and the line follows it directly or starts in lower
// case, as after a page break) is joined to it; a word hyphenated across
// the break is joined whole.
//
// The lines before the first heading are the header's (header.h). Linear.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/gateway/note/note_types.h"

namespace outreach::gateway::note {

struct Section {
  SectionKind kind;
  std::string heading;  // as printed
  int line = 0;
  std::vector<std::string> entries;
  // The input line each entry starts on.
  std::vector<int> entry_lines;
};

struct Sections {
  // Index of the first heading line in `lines`; lines.size() when none.
  size_t first_heading = 0;
  std::vector<Section> sections;
  std::vector<Warning> warnings;
};

// `lines` after the footnotes stage; lines already accounted for are
// skipped. Refuses more than `max_sections` headings, `max_paragraphs`
// entries in one section, or an entry over `max_paragraph_bytes`.
absl::StatusOr<Sections> ReadSections(const std::vector<Line>& lines,
                                      std::vector<LineAccount>& accounts,
                                      absl::string_view field,
                                      const ParseLimits& limits,
                                      Budget& budget);

// The section a heading line opens, if it is one.
std::optional<SectionKind> SectionHeadingOf(absl::string_view line);

// Removes a leading bullet; true when there was one.
bool StripBullet(std::string& line);

// The first e-mail address in `text`, or empty. Linear.
std::string FindEmail(absl::string_view text);

// Joins `next` to `entry` as the continuation of a wrapped line: a word
// hyphenated at the break ("imple-" + "mentation") is joined whole.
void AppendWrapped(std::string& entry, absl::string_view next);

// Strips "1.", "2)", "II.", "a)" numbering from the start of a line.
absl::string_view StripNumbering(absl::string_view line);

}  // namespace outreach::gateway::note

#endif  // OUTREACH_SERVICES_GATEWAY_NOTE_SECTIONS_H_
