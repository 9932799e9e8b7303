#ifndef OUTREACH_SERVICES_GATEWAY_NOTE_FOOTNOTES_H_
#define OUTREACH_SERVICES_GATEWAY_NOTE_FOOTNOTES_H_

// Stage 2: what a PDF leaves around the text. Runs on normalized lines and
// claims the lines it recognizes in `accounts` (indexed by line number - 1):
//
// - the title line, "Information Note" in any case, with its footnote
//   marker glued on ("Information Note1", "Information Note¹") or apart
//   ("Information Note 1", "Information Note*");
// - the disclaimer footnote ("For information only - not an official
//   report …"), wherever a page break left it, with its wrapped tail;
// - other footnote text: a line that starts with a superscript digit;
// - page numbers: "3", "- 3 -", "Page 3", "Page 3 of 5", "3/5";
// - footnote markers (superscript digits) inside other lines, removed from
//   `lines` in place.
//
// Linear in the text. Never fails.

#include <string>
#include <vector>

#include "services/gateway/note/note_types.h"

namespace outreach::gateway::note {

struct Footnotes {
  // The disclaimer's text, once, without its marker; empty when absent.
  std::string disclaimer;
  std::vector<Warning> warnings;
};

Footnotes ReadFootnotes(std::vector<Line>& lines,
                        std::vector<LineAccount>& accounts, Budget& budget);

// True for "Information Note" with or without a footnote marker.
bool IsNoteHeading(absl::string_view line);

// Removes superscript digits; true when there were any.
bool StripSuperscripts(std::string& s);

}  // namespace outreach::gateway::note

#endif  // OUTREACH_SERVICES_GATEWAY_NOTE_FOOTNOTES_H_
