#include "services/gateway/note/outcomes.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "re2/re2.h"
#include "services/gateway/note/participants.h"

namespace outreach::gateway::note {
namespace {

const RE2& Attachment() {
  static const RE2* const re = new RE2("(?i)\\(Attachment\\s+([0-9]{1,3})\\)");
  return *re;
}
const RE2& InAreaOf() {
  static const RE2* const re = new RE2("(?i)in the areas? of ([^.]+)");
  return *re;
}
const RE2& ConsultationsRegarding() {
  // (?i) makes [A-Z] match either case, as the rule always has.
  static const RE2* const re = new RE2(
      "(?i)(?:bilateral )?consultations with (?:the )?(?:representatives of "
      ")?([A-Z][^.]*?) regarding ([^.]+)");
  return *re;
}

std::string Capitalize(std::string s) {
  if (!s.empty()) s[0] = absl::ascii_toupper(s[0]);
  return s;
}

std::string ToString(const re2::StringPiece& p) {
  return std::string(p.data(), p.size());
}

}  // namespace

std::vector<std::string> Sentences(absl::string_view paragraph) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i + 2 < paragraph.size(); ++i) {
    if (paragraph[i] == '.' && paragraph[i + 1] == ' ' &&
        absl::ascii_isupper(paragraph[i + 2])) {
      out.emplace_back(absl::StripAsciiWhitespace(
          paragraph.substr(start, i + 1 - start)));
      start = i + 2;
    }
  }
  out.emplace_back(absl::StripAsciiWhitespace(paragraph.substr(start)));
  return out;
}

std::vector<std::string> AreasOf(absl::string_view text) {
  const std::string t = absl::AsciiStrToLower(text);
  std::vector<std::string> areas;
  static constexpr std::pair<const char*, const char*> kAreas[] = {
      {"training", "training"},
      {"equipment", "equipment"},
      {"border", "border security"},
      {"export control", "export control"},
      {"law enforcement", "law enforcement"},
      {"legislat", "legislation"},
      {"national action plan", "national action plan"},
      {"regional co", "regional cooperation"}};
  for (const auto& [needle, area] : kAreas) {
    if (absl::StrContains(t, needle)) areas.push_back(area);
  }
  return areas;
}

std::vector<Outcome> ReadOutcomes(const std::vector<Section>& sections,
                                  Budget& budget) {
  std::vector<Outcome> out;
  for (const Section& section : sections) {
    if (section.kind != SectionKind::kHighlights &&
        section.kind != SectionKind::kAdditionalComments) {
      continue;
    }
    for (size_t p = 0; p < section.entries.size(); ++p) {
      const std::string& paragraph = section.entries[p];
      const int line = p < section.entry_lines.size() ? section.entry_lines[p]
                                                      : section.line;
      // Needs are often named in the sentence after the one that mentions
      // them ("… identify some specific needs … For example in the area
      // of training of personnel and …").
      bool needs_context = false;
      for (const std::string& sentence : Sentences(paragraph)) {
        if (!budget.Tick(1 + static_cast<int64_t>(sentence.size() >> 10))) {
          return out;
        }
        const re2::StringPiece text(sentence);
        const std::string lower = absl::AsciiStrToLower(sentence);
        const bool mentions_needs = absl::StrContains(lower, "need") ||
                                    absl::StrContains(lower, "assistance");
        if (absl::StrContains(lower, "recommendation") &&
            !absl::StrContains(lower, "recommendations have")) {
          Outcome o;
          o.kind = OutcomeKind::kRecommendation;
          o.rule = OutcomeRule::kRecommendationSentence;
          o.text = sentence;
          o.sentence = sentence;
          o.line = line;
          o.official = !absl::StrContains(lower, "unofficial");
          if (absl::StrContains(lower, "chair's summary")) {
            o.source_document = "Chair's summary";
          }
          re2::StringPiece number;
          if (RE2::PartialMatch(text, Attachment(), &number)) {
            (void)absl::SimpleAtoi(absl::string_view(number.data(),
                                                     number.size()),
                                   &o.attachment);
          }
          o.areas = AreasOf(sentence);
          out.push_back(std::move(o));
        }
        const bool example = absl::StartsWith(lower, "for example") ||
                             absl::StartsWith(lower, "in particular") ||
                             absl::StartsWith(lower, "such as");
        re2::StringPiece items;
        if ((mentions_needs || (needs_context && example)) &&
            RE2::PartialMatch(text, InAreaOf(), &items)) {
          for (std::string item : SplitNames(
                   absl::StrReplaceAll(ToString(items), {{" and ", ", "}}))) {
            Outcome o;
            o.kind = OutcomeKind::kAssistanceNeed;
            o.rule = OutcomeRule::kNeedsInAreaOf;
            o.text = Capitalize(item);
            o.areas = AreasOf(item);
            o.sentence = sentence;
            o.line = line;
            out.push_back(std::move(o));
          }
        }
        re2::StringPiece parties, purpose;
        if (RE2::PartialMatch(text, ConsultationsRegarding(), &parties,
                              &purpose)) {
          const std::string what(
              absl::StripAsciiWhitespace(ToString(purpose)));
          for (const std::string& party : SplitNames(absl::StrReplaceAll(
                   ToString(parties), {{" and ", ", "}}))) {
            Outcome o;
            o.kind = OutcomeKind::kFollowUp;
            o.rule = OutcomeRule::kConsultationsRegarding;
            o.text = absl::StrCat("Bilateral consultations with ", party,
                                  " regarding ", what);
            o.addressees.push_back(party);
            o.sentence = sentence;
            o.line = line;
            out.push_back(std::move(o));
          }
        }
        needs_context = mentions_needs;
      }
    }
  }
  return out;
}

}  // namespace outreach::gateway::note
