#include "services/gateway/note_parser.h"

#include <fstream>
#include <sstream>

#include "common/status/status_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outreach::gateway {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

std::string ReadExample(const std::string& name) {
  std::ifstream in(std::string(OUTREACH_EXAMPLES) + "/notes/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Read(const std::string& name) {
  std::ifstream in(std::string(OUTREACH_GATEWAY_TESTDATA) + "/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Names(const ParsedNote& note,
                               const std::string& group) {
  std::vector<std::string> out;
  for (const auto& p : note.participants) {
    if (p.printed_group == group) out.push_back(p.printed_name);
  }
  return out;
}

TEST(NoteParserTest, SeedNote) {
  auto note = ParseInformationNote(ReadExample("kiev_2013.txt"));
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_EQ(note->title,
            "Regional Workshop on the Implementation of UNSC Resolution 1540 "
            "(2004)");
  EXPECT_EQ(note->start_date.year(), 2013);
  EXPECT_EQ(note->start_date.month(), 11);
  EXPECT_EQ(note->start_date.day(), 5);
  EXPECT_EQ(note->end_date.day(), 6);
  EXPECT_EQ(note->city, "Kiev");
  EXPECT_EQ(note->country, "Ukraine");
  ASSERT_EQ(note->organizers.size(), 3u);
  EXPECT_EQ(note->organizers[0].printed_name, "The Government of Ukraine");
  EXPECT_EQ(note->organizers[0].role, OrganizerRole::kHost);
  EXPECT_THAT(note->organizers[1].printed_name,
              HasSubstr("Conflict Prevention Center of the Organization for "
                        "Security and Co-operation in Europe (OSCE)"));
  EXPECT_EQ(note->organizers[1].role, OrganizerRole::kCoOrganizer);
  EXPECT_THAT(note->organizers[2].printed_name,
              HasSubstr("UN Office for Disarmament Affairs (UN ODA)"));

  const auto states = Names(*note, "States-Members of the OSCE");
  ASSERT_EQ(states.size(), 32u);
  EXPECT_EQ(states.front(), "Albania");
  EXPECT_EQ(states[29], "The former Yugoslav Republic of Macedonia");
  EXPECT_EQ(states.back(), "United States");
  EXPECT_THAT(
      Names(*note, "Other"),
      ElementsAre("European Union", "UN ODA", "OSCE", "1540 Committee expert"));
  for (size_t i = 0; i < note->participants.size(); ++i) {
    EXPECT_EQ(note->participants[i].position, static_cast<int>(i));
  }

  EXPECT_EQ(note->background.size(), 3u);
  ASSERT_EQ(note->objectives.size(), 4u) << "the footnote is not an objective";
  for (const auto& o : note->objectives) {
    EXPECT_THAT(o, ::testing::Not(HasSubstr("For information only")));
  }
  EXPECT_THAT(note->objectives[2], HasSubstr("Export Control System"));
  EXPECT_EQ(note->highlights.size(), 3u);
  EXPECT_THAT(note->disclaimer, HasSubstr("For information only"));
  EXPECT_EQ(note->contact_email, "1540experts@un.org");
  EXPECT_THAT(note->warnings, Contains(HasSubstr("page-break residue")));
  // The title line, its footnote marker included, is accounted as such.
  ASSERT_FALSE(note->lines.empty());
  EXPECT_EQ(note->lines[2].use, note::LineUse::kHeading);

  // The seed's outcomes: the unofficial recommendations of the Chair's
  // summary (Attachment 1), two needs for assistance, two follow-ups.
  std::vector<OutcomeKind> kinds;
  for (const auto& o : note->outcomes) kinds.push_back(o.kind);
  EXPECT_THAT(kinds, ElementsAre(OutcomeKind::kAssistanceNeed,
                                 OutcomeKind::kAssistanceNeed,
                                 OutcomeKind::kFollowUp, OutcomeKind::kFollowUp,
                                 OutcomeKind::kRecommendation));
  EXPECT_EQ(note->outcomes[0].text, "Training of personnel");
  EXPECT_THAT(note->outcomes[0].areas, Contains("training"));
  EXPECT_EQ(note->outcomes[1].text,
            "Establishing necessary equipment at border check points");
  EXPECT_THAT(note->outcomes[1].areas, Contains("border security"));
  EXPECT_THAT(note->outcomes[2].addressees, ElementsAre("Albania"));
  EXPECT_THAT(note->outcomes[3].addressees, ElementsAre("Moldova"));
  EXPECT_THAT(note->outcomes[3].text, HasSubstr("possible country visits"));
  const ParsedOutcome& chair = note->outcomes[4];
  EXPECT_FALSE(chair.official);
  EXPECT_EQ(chair.source_document, "Chair's summary");
  EXPECT_EQ(chair.attachment, 1);
}

TEST(NoteParserTest, VariantWithNumberedSectionsAndAndEndings) {
  auto note = ParseInformationNote(Read("chisinau_2015.txt"));
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_EQ(note->title,
            "National Round Table on the Implementation of Resolution 1540 "
            "(2004)");
  EXPECT_EQ(note->start_date.year(), 2015);
  EXPECT_EQ(note->start_date.month(), 3);
  EXPECT_EQ(note->start_date.day(), 12);
  EXPECT_EQ(note->end_date.day(), 12);
  EXPECT_EQ(note->city, "Chisinau");
  EXPECT_EQ(note->country, "Republic of Moldova");
  ASSERT_EQ(note->organizers.size(), 2u);
  EXPECT_EQ(note->organizers[1].role, OrganizerRole::kSupporter);
  EXPECT_THAT(Names(*note, "States"),
              ElementsAre("Moldova", "Romania", "Ukraine"));
  EXPECT_THAT(
      Names(*note, "International organizations"),
      ElementsAre("International Criminal Police Organisation (INTERPOL)",
                  "World Customs Organization (WCO)",
                  "1540 Committee (two 1540 Committee experts)"));
  ASSERT_EQ(note->objectives.size(), 2u);
  EXPECT_EQ(note->objectives[1],
            "Discuss the draft national action plan with the national "
            "authorities.");
  EXPECT_EQ(note->highlights.size(), 2u);
  EXPECT_EQ(note->contact_email, "1540experts@un.org");
  EXPECT_THAT(note->disclaimer, HasSubstr("not an official report"));
}

TEST(NoteParserTest, UsDatesAndNamesThatContainAnd) {
  auto note = ParseInformationNote(Read("wiesbaden_2013.txt"));
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_EQ(note->start_date.month(), 11);
  EXPECT_EQ(note->start_date.day(), 5);
  EXPECT_EQ(note->end_date.day(), 6);
  EXPECT_EQ(note->city, "Wiesbaden");
  EXPECT_EQ(note->country, "Germany");
  EXPECT_THAT(Names(*note, "Industry"), ElementsAre("Siemens", "BASF"));
  EXPECT_THAT(Names(*note, "Other States"),
              ElementsAre("Bosnia and Herzegovina", "Trinidad and Tobago"));
  EXPECT_THAT(note->warnings, Contains("no disclaimer footnote found"));
}

TEST(NoteParserTest, BadInputIsInvalidArgumentWithAUsefulMessage) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "is empty"},
      {"   \n\t\n", "is empty"},
      {std::string("\x89PNG\r\n\x1a\n\0\0\0", 11), "not valid UTF-8: byte 0x89 at byte offset 0"},
      {std::string(kMaxNoteBytes + 1, 'a'), "over the limit of 1048576 bytes (max_bytes)"},
      {"Background\n- a bullet without any header\n", "no header table"},
      {"Just some prose about a workshop.", "no header table"},
  };
  for (const auto& [text, why] : cases) {
    auto note = ParseInformationNote(text, "text");
    ASSERT_FALSE(note.ok()) << why;
    EXPECT_EQ(note.status().code(), absl::StatusCode::kInvalidArgument);
    auto v = GetFieldViolations(note.status());
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].field, "text");
    EXPECT_THAT(v[0].description, HasSubstr(why));
  }
}

}  // namespace
}  // namespace outreach::gateway
