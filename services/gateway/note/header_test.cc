#include "services/gateway/note/header.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/gateway/note/test_lines.h"

namespace outreach::gateway::note {
namespace {

using ::testing::ElementsAre;


struct Read {
  Header header;
  std::vector<LineAccount> accounts;
};

Read ReadAll(const std::string& text) {
  std::vector<Line> lines = LinesOf(text);
  Read r;
  r.accounts.resize(lines.size());
  Budget budget;
  auto h = ReadHeader(lines, lines.size(), r.accounts, budget);
  EXPECT_TRUE(h.ok()) << h.status();
  r.header = *h;
  return r;
}

std::string Value(const Header& h, HeaderField f) {
  auto it = h.fields.find(f);
  return it == h.fields.end() ? "<none>" : it->second.Joined();
}

TEST(HeaderTest, LayoutsOfDomainMd) {
  struct Case {
    std::string name;
    std::string text;
    std::string event, organizers, date_and_venue, venue_and_date, date,
        venue, participants;
  };
  const std::string N = "<none>";
  const std::vector<Case> cases = {
      {"tabs (the seed)",
       "Information Note\u00b9\nEvent\tW\nDate and Venue\t5 May 2014, Kiev\n"
       "Organizers\tO\nParticipants\tStates: A",
       "W", "O", "5 May 2014, Kiev", N, N, N, "States: A"},
      {"colons", "Event: W\nOrganizer: O\nDate and venue: D\nParticipants: P",
       "W", "O", "D", N, N, N, "P"},
      {"labels on their own line",
       "Event\nW\nOrganisers:\nO\nVenue and Date\nKiev, 5 May 2014\n"
       "Participants\nStates:\nA, B",
       "W", "O", N, "Kiev, 5 May 2014", N, N, "States: A, B"},
      {"numbered, any order",
       "1. Event: W\n2) Participants: P\n3. Date: 5 May 2014\n4. Venue: Kiev\n"
       "5. Organized by: O",
       "W", "O", N, N, "5 May 2014", "Kiev", "P"},
      {"run together by PDF extraction",
       "Event: W on X Organizer: O Date and Venue: 5 May 2014, Kiev "
       "Participants: States: A, B",
       "W on X", "O", "5 May 2014, Kiev", N, N, N, "States: A, B"},
      {"values that wrap",
       "Event\tRegional Workshop on the\nImplementation of 1540\n"
       "Participants\tP",
       "Regional Workshop on the Implementation of 1540", N, N, N, N, N, "P"},
      {"place and location synonyms",
       "Title: W\nDates: 5 May 2014\nPlace: Kiev\nParticipants: P", "W", N,
       N, N, "5 May 2014", "Kiev", "P"},
      {"location",
       "EVENT: W\nLOCATION: Kiev, Ukraine\nDATE: 5 May 2014\nPARTICIPANTS: P",
       "W", N, N, N, "5 May 2014", "Kiev, Ukraine", "P"},
      {"upper case heading, label apart from colon",
       "INFORMATION NOTE 1\nEvent : W\nParticipants : P", "W", N, N, N, N, N,
       "P"},
  };
  for (const Case& c : cases) {
    const Read r = ReadAll(c.text);
    const Header& h = r.header;
    EXPECT_EQ(Value(h, HeaderField::kEvent), c.event) << c.name;
    EXPECT_EQ(Value(h, HeaderField::kOrganizers), c.organizers) << c.name;
    EXPECT_EQ(Value(h, HeaderField::kDateAndVenue), c.date_and_venue)
        << c.name;
    EXPECT_EQ(Value(h, HeaderField::kVenueAndDate), c.venue_and_date)
        << c.name;
    EXPECT_EQ(Value(h, HeaderField::kDate), c.date) << c.name;
    EXPECT_EQ(Value(h, HeaderField::kVenue), c.venue) << c.name;
    EXPECT_EQ(Value(h, HeaderField::kParticipants), c.participants)
        << c.name;
    for (const LineAccount& a : r.accounts) {
      EXPECT_NE(a.line, 0) << c.name << ": a line was not accounted for";
    }
  }
}

TEST(HeaderTest, EveryLineIsAccountedFor) {
  const Read r = ReadAll(
      "Information Note*\n\nEvent\tW\nLanguage\tEnglish\nParticipants:\nA\nB");
  std::vector<LineUse> uses;
  for (const LineAccount& a : r.accounts) uses.push_back(a.use);
  EXPECT_THAT(uses, ElementsAre(LineUse::kHeading, LineUse::kBlank,
                                LineUse::kHeaderRow, LineUse::kHeaderValue,
                                LineUse::kHeaderLabel, LineUse::kHeaderValue,
                                LineUse::kHeaderValue));
  // "Language<TAB>English" follows a value: it is read as part of it, which
  // the account says.
  EXPECT_EQ(r.accounts[3].target, "event");
}

TEST(HeaderTest, UnknownRowsBeforeAnyLabelAreIgnoredWithAWarning) {
  const Read r = ReadAll("Reference\t2014/12\nEvent: W");
  EXPECT_EQ(r.accounts[0].use, LineUse::kIgnored);
  ASSERT_FALSE(r.header.warnings.empty());
  EXPECT_THAT(r.header.warnings[0].text,
              ::testing::HasSubstr("ignored header row \"Reference\""));
}

TEST(HeaderTest, LabelWordsInsideValuesAreNotLabels) {
  const Read r = ReadAll(
      "Event\tWorkshop on the date of entry into force and the venue of "
      "meetings\nParticipants\tP");
  EXPECT_EQ(Value(r.header, HeaderField::kEvent),
            "Workshop on the date of entry into force and the venue of "
            "meetings");
  EXPECT_EQ(r.header.fields.count(HeaderField::kDate), 0u);
}

}  // namespace
}  // namespace outreach::gateway::note
