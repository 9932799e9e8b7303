#ifndef OUTREACH_SERVICES_GATEWAY_NOTE_OUTCOMES_H_
#define OUTREACH_SERVICES_GATEWAY_NOTE_OUTCOMES_H_

// Stage 7: outcomes read from the prose of Highlights and Additional
// comments. Reading prose is guesswork, so the rules are few and narrow
// (note_types.h, OutcomeRule), and each outcome carries the sentence it
// came from and the rule that matched, for a person to check. The seed
// yields five: its unofficial recommendations (Chair's summary, Attachment
// 1), two needs for assistance (training of personnel; equipment at border
// check points) and two follow-ups (consultations with Albania and with
// Moldova about possible country visits).
//
// RE2 patterns, one search per sentence: linear time.

#include <string>
#include <vector>

#include "services/gateway/note/note_types.h"
#include "services/gateway/note/sections.h"

namespace outreach::gateway::note {

struct Outcome {
  OutcomeKind kind = OutcomeKind::kRecommendation;
  std::string text;
  std::vector<std::string> areas;
  std::vector<std::string> addressees;  // names as printed
  std::string source_document;          // "Chair's summary", or empty
  int attachment = 0;
  bool official = true;
  // The evidence: the sentence as read, the rule, the line it starts on.
  std::string sentence;
  OutcomeRule rule = OutcomeRule::kRecommendationSentence;
  int line = 0;
};

std::vector<Outcome> ReadOutcomes(const std::vector<Section>& sections,
                                  Budget& budget);

// The sentences of a paragraph, split after ". " when the next word starts
// with a capital letter.
std::vector<std::string> Sentences(absl::string_view paragraph);

// The areas a text names: "training", "border security", …
std::vector<std::string> AreasOf(absl::string_view text);

}  // namespace outreach::gateway::note

#endif  // OUTREACH_SERVICES_GATEWAY_NOTE_OUTCOMES_H_
