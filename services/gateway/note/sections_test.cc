#include "services/gateway/note/sections.h"

#include "common/status/status_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/gateway/note/test_lines.h"

namespace outreach::gateway::note {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;


TEST(SectionsTest, Headings) {
  struct Case {
    std::string line;
    std::optional<SectionKind> kind;
  };
  const std::vector<Case> cases = {
      {"Background", SectionKind::kBackground},
      {"BACKGROUND", SectionKind::kBackground},
      {"1. Background", SectionKind::kBackground},
      {"II. Context:", SectionKind::kBackground},
      {"Objectives for 1540 expert participation", SectionKind::kObjectives},
      {"1. Objectives of experts' participation", SectionKind::kObjectives},
      {"Objectives of the experts' participation", SectionKind::kObjectives},
      {"2) Highlights", SectionKind::kHighlights},
      {"Main outcomes", SectionKind::kHighlights},
      {"Summary of discussions", SectionKind::kHighlights},
      {"3. Additional comments", SectionKind::kAdditionalComments},
      {"Follow-up", SectionKind::kAdditionalComments},
      {"FOLLOW-UP:", SectionKind::kAdditionalComments},
      {"Comments", SectionKind::kAdditionalComments},
      // Not headings.
      {"- Background", std::nullopt},
      {"Background to the workshop was laid out by the Chair.", std::nullopt},
      {"Highlights were many, and the participants discussed them at length "
       "for a day",
       std::nullopt},
      {"Comments: none", std::nullopt},
      {"Event", std::nullopt},
      {"Summary", SectionKind::kHighlights},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(SectionHeadingOf(c.line), c.kind) << c.line;
  }
}

TEST(SectionsTest, BulletsParagraphsAndWrappedLines) {
  const std::string text =
      "Event\tW\n"                                   // 1: header, skipped
      "Background\n"                                 // 2
      "- First bullet that wraps\n"                  // 3
      "onto a second line.\n"                        // 4
      "\u2022 Second bullet.\n"                      // 5
      "\n"                                           // 6
      "Highlights\n"                                 // 7
      "A paragraph about imple-\n"                   // 8
      "mentation.\n"                                 // 9
      "\n"                                           // 10
      "Another paragraph.\n"                         // 11
      "\n"                                           // 12
      "A paragraph cut by a page break\n"            // 13
      "\n"                                           // 14
      "and continued after it.\n"                    // 15
      "Additional comments\n"                        // 16
      "Contact: 1540experts@un.org";                 // 17
  std::vector<Line> lines = LinesOf(text);
  std::vector<LineAccount> accounts(lines.size());
  Budget budget;
  auto s = ReadSections(lines, accounts, "text", ParseLimits{}, budget);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->first_heading, 1u);
  ASSERT_EQ(s->sections.size(), 3u);
  EXPECT_THAT(s->sections[0].entries,
              ElementsAre("First bullet that wraps onto a second line.",
                          "Second bullet."));
  EXPECT_THAT(s->sections[1].entries,
              ElementsAre("A paragraph about implementation.",
                          "Another paragraph.",
                          "A paragraph cut by a page break and continued "
                          "after it."));
  EXPECT_THAT(s->sections[1].entry_lines, ElementsAre(8, 11, 13));
  EXPECT_EQ(accounts[0].use, LineUse::kIgnored) << "the header's";
  EXPECT_EQ(accounts[1].use, LineUse::kSectionHeading);
  EXPECT_EQ(accounts[3].use, LineUse::kSectionText);
  EXPECT_EQ(accounts[3].detail, "continues the paragraph above");
  EXPECT_EQ(accounts[16].use, LineUse::kContact);
  EXPECT_EQ(accounts[16].target, "additional_comments");
}

TEST(SectionsTest, LimitsAreRefusedByName) {
  ParseLimits limits;
  limits.max_sections = 3;
  limits.max_paragraphs = 2;
  limits.max_paragraph_bytes = 20;
  struct Case {
    std::string text, why;
  };
  const std::vector<Case> cases = {
      {"Highlights\nHighlights\nHighlights\nHighlights", "(max_sections)"},
      {"Highlights\n- a\n- b\n- c", "(max_paragraphs)"},
      {"Highlights\n" + std::string(30, 'x'), "(max_paragraph_bytes)"},
  };
  for (const Case& c : cases) {
    std::vector<Line> lines = LinesOf(c.text);
    std::vector<LineAccount> accounts(lines.size());
    Budget budget;
    auto s = ReadSections(lines, accounts, "text", limits, budget);
    ASSERT_FALSE(s.ok()) << c.why;
    EXPECT_THAT(GetFieldViolations(s.status())[0].description,
                HasSubstr(c.why));
  }
}

TEST(SectionsTest, FindEmail) {
  EXPECT_EQ(FindEmail("Contact: 1540experts@un.org."), "1540experts@un.org");
  EXPECT_EQ(FindEmail("by email at a.b-c@mail.example.com, or"),
            "a.b-c@mail.example.com");
  EXPECT_EQ(FindEmail("no address @ here"), "");
  EXPECT_EQ(FindEmail("x@y"), "");
  EXPECT_EQ(FindEmail(std::string(100000, '@')), "");
}

TEST(SectionsTest, Numbering) {
  EXPECT_EQ(StripNumbering("1. Event:"), "Event:");
  EXPECT_EQ(StripNumbering("3) Date"), "Date");
  EXPECT_EQ(StripNumbering("IV. Highlights"), "Highlights");
  EXPECT_EQ(StripNumbering("a) Venue"), "Venue");
  EXPECT_EQ(StripNumbering("1540 Committee"), "1540 Committee");
  EXPECT_EQ(StripNumbering("Information"), "Information");
}

}  // namespace
}  // namespace outreach::gateway::note
