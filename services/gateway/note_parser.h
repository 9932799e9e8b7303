#ifndef OUTREACH_SERVICES_GATEWAY_NOTE_PARSER_H_
#define OUTREACH_SERVICES_GATEWAY_NOTE_PARSER_H_

// Reads an information note, as text extracted from its PDF, into its
// parts: the header table (Event, Date and Venue, Organizers,
// Participants), the sections (Background, Objectives, Highlights,
// Additional comments), the disclaimer footnote and the contact.
//
// Notes are written by people and extracted by machines, so the parser is
// lenient about what varies (label spellings, numbered or plain section
// headings, bullets or paragraphs, "… and X." list endings, group labels
// that run on from the previous name) and strict about what it cannot do
// without (text that is not a note). What it drops as debris — footnote
// markers, the footnote's text left in the middle of a list by a page
// break — it reports in `warnings`.
//
// Pure: no I/O, thread-safe. Name resolution and record creation happen in
// the gateway, not here.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "outreach/type/v1/date.pb.h"

namespace outreach::gateway {

struct ParsedOrganizer {
  std::string printed_name;
  // "host", "co_organizer" or "supporter".
  std::string role;
};

struct ParsedParticipant {
  std::string printed_name;   // as printed, without a trailing note
  std::string printed_group;  // the label it was listed under, as printed
  int position = 0;           // 0-based, across the whole list
};

// An outcome read from a note's prose: "unofficial recommendations …
// (Attachment 1)", "needs … in the area of training of personnel and …",
// "bilateral consultations with representatives of Albania and Moldova
// regarding possible country visits".
struct ParsedOutcome {
  // "recommendation", "assistance_need" or "follow_up".
  std::string kind;
  std::string text;
  std::vector<std::string> areas;
  // Names as printed ("Albania"), resolved by the gateway.
  std::vector<std::string> addressees;
  std::string source_document;  // "Chair's summary", or empty
  int attachment = 0;
  bool official = true;
};

struct ParsedNote {
  std::string title;
  std::string date_and_venue;  // as printed
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
  // Outcomes found in Highlights and Additional comments. Reading prose is
  // heuristic: the gateway reports them so a person can check.
  std::vector<ParsedOutcome> outcomes;
  // The "For information only …" footnote, once, when the note has it.
  std::string disclaimer;
  // What was dropped or could not be read, in words a person can check.
  std::vector<std::string> warnings;
};

// Largest note accepted, in bytes.
inline constexpr size_t kMaxNoteBytes = 1 << 20;

// INVALID_ARGUMENT (with a field violation on `field`) when the text is
// empty, too large, not UTF-8 text, or has no header table.
absl::StatusOr<ParsedNote> ParseInformationNote(
    absl::string_view text, absl::string_view field = "text");

}  // namespace outreach::gateway

#endif  // OUTREACH_SERVICES_GATEWAY_NOTE_PARSER_H_
