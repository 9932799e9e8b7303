#ifndef OUTREACH_SERVICES_GATEWAY_NOTE_PARTICIPANTS_H_
#define OUTREACH_SERVICES_GATEWAY_NOTE_PARTICIPANTS_H_

// Stage 6: the delegations of "Participants", under their printed groups.
// Reads every grouping and list style of DOMAIN.md:
// - group labels followed by a colon, on the header's line, on lines of
//   their own, or run on after the previous name without a comma ("…,
//   United States Other: European Union") or after a full stop ("…
//   Romania and Ukraine. International organizations: …");
// - groups separated by semicolons;
// - names separated by commas, the last one joined by " and " ("… and
//   X."), or one per line, bulleted or not;
// - "(in alphabetical order)" after a label, dropped from it;
// - names with acronyms in parentheses, which never split a name, and
//   names with a note of their own ("1540 Committee (two experts)"), kept
//   whole as printed, the note also given apart;
// - names that contain " and " themselves ("Bosnia and Herzegovina",
//   "Food and Agriculture Organization"), never split.
//
// One scan per line, no searching back: linear. Refuses, naming the limit,
// more than `max_groups` groups, `max_names_per_group` names in a group,
// `max_names` in all, or a name over `max_name_bytes`.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/gateway/note/note_types.h"

namespace outreach::gateway::note {

struct Participant {
  std::string printed_name;   // as printed, with its parentheses
  std::string printed_group;  // the label, as printed; empty when none
  // The note a name carries in parentheses ("two experts"); empty when the
  // parentheses hold an acronym or there are none.
  std::string note;
  int position = 0;  // 0-based across the whole list
  int line = 0;
  // A lone "A and B" may be one name or two; when it may be two, the
  // parts. The gateway decides by resolving them.
  std::vector<std::string> and_parts;
};

struct ParticipantsReading {
  std::vector<Participant> participants;
  // A refined account of the value's lines (group labels on their own).
  std::vector<LineAccount> accounts;
  std::vector<Warning> warnings;
};

absl::StatusOr<ParticipantsReading> ReadParticipants(
    const std::vector<Line>& value, absl::string_view field,
    const ParseLimits& limits, Budget& budget);

// "A, B, C and D." -> {A, B, C, D}: commas outside parentheses split; the
// last item is split at its last " and " unless that is inside a name
// that contains it. Used for organizers too.
std::vector<std::string> SplitNames(absl::string_view list);

// A name as printed, trimmed of list punctuation: a leading "and ", a
// trailing '.' or ';' (but not an abbreviation's: "U.S.").
std::string CleanName(absl::string_view name);

}  // namespace outreach::gateway::note

#endif  // OUTREACH_SERVICES_GATEWAY_NOTE_PARTICIPANTS_H_
