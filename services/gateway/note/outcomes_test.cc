#include "services/gateway/note/outcomes.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/gateway/note/organizers.h"

namespace outreach::gateway::note {
namespace {

using ::testing::ElementsAre;

Section Highlights(std::vector<std::string> paragraphs) {
  Section s{SectionKind::kHighlights, "Highlights", 1, {}, {}};
  int line = 10;
  for (auto& p : paragraphs) {
    s.entries.push_back(std::move(p));
    s.entry_lines.push_back(line++);
  }
  return s;
}

TEST(OutcomesTest, RulesAndEvidence) {
  struct Case {
    std::string paragraph;
    std::vector<OutcomeKind> kinds;
    std::vector<std::string> texts;
    OutcomeRule rule;
  };
  const std::vector<Case> cases = {
      {"Participants adopted recommendations (Attachment 2).",
       {OutcomeKind::kRecommendation},
       {"Participants adopted recommendations (Attachment 2)."},
       OutcomeRule::kRecommendationSentence},
      {"The State identified needs in the areas of legislation and export "
       "control.",
       {OutcomeKind::kAssistanceNeed, OutcomeKind::kAssistanceNeed},
       {"Legislation", "Export control"},
       OutcomeRule::kNeedsInAreaOf},
      {"Discussions helped to identify needs. For example in the area of "
       "training.",
       {OutcomeKind::kAssistanceNeed},
       {"Training"},
       OutcomeRule::kNeedsInAreaOf},
      {"The expert held consultations with Albania and Moldova regarding "
       "country visits.",
       {OutcomeKind::kFollowUp, OutcomeKind::kFollowUp},
       {"Bilateral consultations with Albania regarding country visits",
        "Bilateral consultations with Moldova regarding country visits"},
       OutcomeRule::kConsultationsRegarding},
      // Conservative: nothing without the rule's words.
      {"These recommendations have created a basis for work.", {}, {},
       OutcomeRule::kRecommendationSentence},
      {"Training was discussed in the area of border security.", {}, {},
       OutcomeRule::kNeedsInAreaOf},
      {"The expert met Albania about visits.", {}, {},
       OutcomeRule::kConsultationsRegarding},
  };
  for (const Case& c : cases) {
    Budget budget;
    const auto out = ReadOutcomes({Highlights({c.paragraph})}, budget);
    std::vector<OutcomeKind> kinds;
    std::vector<std::string> texts;
    for (const Outcome& o : out) {
      kinds.push_back(o.kind);
      texts.push_back(o.text);
      EXPECT_EQ(o.rule, c.rule) << c.paragraph;
      EXPECT_EQ(o.line, 10);
      EXPECT_FALSE(o.sentence.empty());
      EXPECT_NE(c.paragraph.find(o.sentence), std::string::npos);
    }
    EXPECT_EQ(kinds, c.kinds) << c.paragraph;
    EXPECT_EQ(texts, c.texts) << c.paragraph;
  }
}

TEST(OutcomesTest, RecommendationSource) {
  Budget budget;
  const auto out = ReadOutcomes(
      {Highlights({"They developed a Chair's summary including unofficial "
                   "recommendations (Attachment 1)."})},
      budget);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].official);
  EXPECT_EQ(out[0].source_document, "Chair's summary");
  EXPECT_EQ(out[0].attachment, 1);
}

TEST(OutcomesTest, HostileProseIsReadInLinearTime) {
  std::string p;
  while (p.size() < 200000) p += "consultations with A ";
  Budget budget;
  const absl::Time start = absl::Now();
  const auto out = ReadOutcomes({Highlights({p})}, budget);
  EXPECT_TRUE(out.empty());
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));
}

TEST(OrganizersTest, Roles) {
  struct Case {
    std::string text;
    std::vector<std::pair<std::string, OrganizerRole>> want;
  };
  const std::vector<Case> cases = {
      {"The Government of Ukraine in cooperation with the OSCE and the UN "
       "Office for Disarmament Affairs (UN ODA)",
       {{"The Government of Ukraine", OrganizerRole::kHost},
        {"the OSCE", OrganizerRole::kCoOrganizer},
        {"the UN Office for Disarmament Affairs (UN ODA)",
         OrganizerRole::kCoOrganizer}}},
      {"Moldova with the support of UNODA",
       {{"Moldova", OrganizerRole::kHost},
        {"UNODA", OrganizerRole::kSupporter}}},
      {"Germany, UNODA",
       {{"Germany", OrganizerRole::kHost},
        {"UNODA", OrganizerRole::kCoOrganizer}}},
      {"UNRCPD, supported by the European Union",
       {{"UNRCPD", OrganizerRole::kHost},
        {"the European Union", OrganizerRole::kSupporter}}},
  };
  for (const Case& c : cases) {
    std::vector<std::pair<std::string, OrganizerRole>> got;
    for (const Organizer& o : ReadOrganizers(c.text)) {
      got.emplace_back(o.printed_name, o.role);
    }
    EXPECT_EQ(got, c.want) << c.text;
  }
}

}  // namespace
}  // namespace outreach::gateway::note
