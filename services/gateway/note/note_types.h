#ifndef OUTREACH_SERVICES_GATEWAY_NOTE_NOTE_TYPES_H_
#define OUTREACH_SERVICES_GATEWAY_NOTE_NOTE_TYPES_H_

// What the stages of the note parser share: the note's lines with the
// account of how each was used, the limits every stage enforces, and the
// budget that lets a long parse stop when its caller's deadline passes or
// the call is cancelled.
//
// The stages, in the order note_parser.cc runs them (each in its own file,
// each with its own table-driven test):
//   normalize     bytes -> lines: UTF-8, line endings, dashes, quotes, spaces
//   footnotes     the title line, footnote text and markers, page debris
//   sections      section headings, their paragraphs, the contact
//   header        labelled header rows -> fields
//   dates, venue  "Date and Venue" -> start, end, city, country
//   organizers    "Organizers" -> names with roles
//   participants  "Participants" -> delegations under printed groups
//   outcomes      recommendations, needs and follow-ups read from prose

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace outreach::gateway::note {

// The header rows a note may have. Label words vary (header.cc lists the
// synonyms); these are what they mean.
enum class HeaderField {
  kEvent,
  kOrganizers,
  kDateAndVenue,  // "Date and Venue": the date first, then the place
  kVenueAndDate,  // "Venue and Date": the place first, then the date
  kDate,
  kVenue,
  kParticipants,
};

enum class SectionKind {
  kBackground,
  kObjectives,
  kHighlights,
  kAdditionalComments,
};

enum class OrganizerRole { kHost, kCoOrganizer, kSupporter };

enum class OutcomeKind { kRecommendation, kAssistanceNeed, kFollowUp };

// The rule that read an outcome from prose (outcomes.cc).
enum class OutcomeRule {
  // A sentence that mentions recommendations (and not merely what they
  // did: "These recommendations have …").
  kRecommendationSentence,
  // "… needs … in the area(s) of X and Y", or an example sentence ("For
  // example …", "In particular …", "Such as …") right after one that
  // mentions needs or assistance.
  kNeedsInAreaOf,
  // "(bilateral) consultations with (the representatives of) A and B
  // regarding P": one follow-up per party.
  kConsultationsRegarding,
};

// How one input line was used. Every line of the input gets exactly one.
enum class LineUse {
  kBlank,
  kHeading,          // "Information Note¹"
  kHeaderLabel,      // a header label with no value on its line
  kHeaderRow,        // a header label and (part of) its value
  kHeaderValue,      // a header value on a line of its own, or wrapped
  kParticipantGroup, // a participants group label on a line of its own
  kParticipants,     // names of delegations
  kSectionHeading,
  kSectionText,
  kContact,
  kDisclaimer,       // the "For information only …" footnote
  kFootnote,         // other footnote text left by a page break
  kPageDebris,       // page numbers
  kIgnored,
};

absl::string_view LineUseName(LineUse use);
absl::string_view HeaderFieldName(HeaderField field);
absl::string_view SectionKindName(SectionKind kind);
absl::string_view OutcomeRuleName(OutcomeRule rule);

// One line of the note after normalization. `number` is 1-based and is
// the line's number in the text as sent.
struct Line {
  int number = 0;
  std::string text;
};

// What was done with an input line: its use, the field, section or group
// it went to ("event", "participants/States", "highlights"), and a note
// for a person checking the import.
struct LineAccount {
  int line = 0;
  LineUse use = LineUse::kIgnored;
  std::string target;
  std::string detail;
};

// Something the parser guessed, dropped or could not read. `line` is 0
// when the warning is about the note as a whole.
struct Warning {
  int line = 0;
  std::string text;
};

// Bounds on the work one note can cause. Each is refused, when exceeded,
// with a field violation on the note's field naming the limit.
struct ParseLimits {
  size_t max_bytes = 1 << 20;
  size_t max_line_bytes = 64 << 10;
  int max_lines = 20000;
  int max_groups = 50;
  int max_names_per_group = 500;
  int max_names = 1000;       // BatchCreateParticipations takes 1000
  size_t max_name_bytes = 500;  // Participation.printed_name
  int max_sections = 100;
  int max_paragraphs = 200;     // per section, as the events service allows
  size_t max_paragraph_bytes = 10000;
  size_t max_title_bytes = 500;
  int max_organizers = 50;
  int max_outcomes = 200;
};

// Stops a parse whose caller has gone: checked by every stage's loops, at
// most every `kStride` ticks so that the check costs nothing measurable.
// Not thread-safe; one per parse.
class Budget {
 public:
  Budget() = default;
  // `cancelled` may be empty; it is polled with the clock.
  Budget(absl::Time deadline, std::function<bool()> cancelled)
      : deadline_(deadline), cancelled_(std::move(cancelled)) {}

  // Counts `work` units (lines, characters scanned / 64, …). False once the
  // deadline has passed or the call was cancelled; stays false.
  bool Tick(int64_t work = 1) {
    if (!status_.ok()) return false;
    pending_ += work;
    if (pending_ < kStride) return true;
    pending_ = 0;
    return Check();
  }
  // OK, DEADLINE_EXCEEDED or CANCELLED.
  const absl::Status& status() const { return status_; }

 private:
  static constexpr int64_t kStride = 256;
  bool Check();

  absl::Time deadline_ = absl::InfiniteFuture();
  std::function<bool()> cancelled_;
  int64_t pending_ = 0;
  absl::Status status_;
};

}  // namespace outreach::gateway::note

#endif  // OUTREACH_SERVICES_GATEWAY_NOTE_NOTE_TYPES_H_
