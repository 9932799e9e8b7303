#include "services/gateway/note/note_types.h"

namespace outreach::gateway::note {

absl::string_view LineUseName(LineUse use) {
  switch (use) {
    case LineUse::kBlank: return "blank";
    case LineUse::kHeading: return "heading";
    case LineUse::kHeaderLabel: return "header_label";
    case LineUse::kHeaderRow: return "header_row";
    case LineUse::kHeaderValue: return "header_value";
    case LineUse::kParticipantGroup: return "participant_group";
    case LineUse::kParticipants: return "participants";
    case LineUse::kSectionHeading: return "section_heading";
    case LineUse::kSectionText: return "section_text";
    case LineUse::kContact: return "contact";
    case LineUse::kDisclaimer: return "disclaimer";
    case LineUse::kFootnote: return "footnote";
    case LineUse::kPageDebris: return "page_debris";
    case LineUse::kIgnored: return "ignored";
  }
  return "ignored";
}

absl::string_view HeaderFieldName(HeaderField field) {
  switch (field) {
    case HeaderField::kEvent: return "event";
    case HeaderField::kOrganizers: return "organizers";
    case HeaderField::kDateAndVenue: return "date_and_venue";
    case HeaderField::kVenueAndDate: return "venue_and_date";
    case HeaderField::kDate: return "date";
    case HeaderField::kVenue: return "venue";
    case HeaderField::kParticipants: return "participants";
  }
  return "";
}

absl::string_view SectionKindName(SectionKind kind) {
  switch (kind) {
    case SectionKind::kBackground: return "background";
    case SectionKind::kObjectives: return "objectives";
    case SectionKind::kHighlights: return "highlights";
    case SectionKind::kAdditionalComments: return "additional_comments";
  }
  return "";
}

absl::string_view OutcomeRuleName(OutcomeRule rule) {
  switch (rule) {
    case OutcomeRule::kRecommendationSentence:
      return "recommendation_sentence";
    case OutcomeRule::kNeedsInAreaOf: return "needs_in_area_of";
    case OutcomeRule::kConsultationsRegarding:
      return "consultations_regarding";
  }
  return "";
}

bool Budget::Check() {
  if (cancelled_ && cancelled_()) {
    status_ = absl::CancelledError(
        "the caller cancelled the call; the note was not read to the end");
    return false;
  }
  if (absl::Now() >= deadline_) {
    status_ = absl::DeadlineExceededError(
        "the caller's deadline passed while the note was being read");
    return false;
  }
  return true;
}

}  // namespace outreach::gateway::note
