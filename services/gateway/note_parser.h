#ifndef OUTREACH_SERVICES_GATEWAY_NOTE_PARSER_H_
#define OUTREACH_SERVICES_GATEWAY_NOTE_PARSER_H_

// Reads an information note, as text extracted from its PDF or Word file,
// into its parts: the header (Event, Date and Venue, Organizers,
// Participants), the sections (Background, Objectives, Highlights,
// Additional comments), the disclaimer footnote, the contact, and the
// outcomes named in its prose. The layouts real notes come in are those of
// DOMAIN.md, "Layouts the importer meets".
//
// The parser is a pipeline of named stages under note/ (note_types.h lists
// them), each tested on its own. It is lenient about what varies and
// strict about what it cannot do without: text that is not a note, or that
// exceeds a limit, is INVALID_ARGUMENT with a field violation naming the
// limit. Every stage is linear in the input, and every loop polls the
// budget, so a call whose caller has gone stops using CPU.
//
// Every input line is accounted for in `lines`: the field, section or
// group it went to, or that it was ignored and why.
//
// Pure: no I/O, thread-safe. Name resolution and record creation happen in
// the gateway (note_importer), not here.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "outreach/type/v1/date.pb.h"
#include "services/gateway/note/note_types.h"
#include "services/gateway/note/organizers.h"
#include "services/gateway/note/outcomes.h"
#include "services/gateway/note/participants.h"

namespace outreach::gateway {

using note::OrganizerRole;
using note::OutcomeKind;
using ParsedOrganizer = note::Organizer;
using ParsedParticipant = note::Participant;
using ParsedOutcome = note::Outcome;

struct ParsedNote {
  std::string title;
  std::string date_and_venue;  // as printed
  // Why no dates were read ("no Date row", "\"31 February 2014\" is not
  // a calendar date"); empty when they were.
  std::string date_problem;
  outreach::type::v1::Date start_date;
  outreach::type::v1::Date end_date;
  std::string city;
  std::string country;  // as printed ("Ukraine")
  std::vector<ParsedOrganizer> organizers;
  std::vector<ParsedParticipant> participants;
  std::vector<std::string> background;
  std::vector<std::string> objectives;
  std::vector<std::string> highlights;
  std::vector<std::string> additional_comments;
  std::string contact_email;
  // Outcomes found in Highlights and Additional comments, with evidence.
  std::vector<ParsedOutcome> outcomes;
  // The "For information only …" footnote, once, when the note has it.
  std::string disclaimer;
  // What was dropped, guessed or could not be read, in words a person can
  // check ("line 12: …").
  std::vector<std::string> warnings;
  // One entry per input line, in order.
  std::vector<note::LineAccount> lines;
  // 32 hex digits identifying the note's normalized text: the same note,
  // whatever its line endings, spaces or dashes, has the same digest.
  std::string digest;
};

struct ParseOptions {
  note::ParseLimits limits;
  // When to stop: the caller's deadline, and a poll of its cancellation.
  absl::Time deadline = absl::InfiniteFuture();
  std::function<bool()> cancelled;
};

// Largest note accepted, in bytes.
inline constexpr size_t kMaxNoteBytes = 1 << 20;

// INVALID_ARGUMENT (with a field violation on `field`) when the text is
// empty, too large, not UTF-8 text, has no header, or exceeds a limit;
// DEADLINE_EXCEEDED or CANCELLED when the budget ran out.
absl::StatusOr<ParsedNote> ParseInformationNote(
    absl::string_view text, absl::string_view field = "text",
    const ParseOptions& options = {});

}  // namespace outreach::gateway

#endif  // OUTREACH_SERVICES_GATEWAY_NOTE_PARSER_H_
