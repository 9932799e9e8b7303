#include "services/gateway/note/footnotes.h"

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outreach::gateway::note {
namespace {

using ::testing::HasSubstr;

TEST(FootnotesTest, HeadingForms) {
  for (const char* h :
       {"Information Note", "INFORMATION NOTE", "Information Note1",
        "Information Note\u00b9", "Information Note 1", "Information Note*",
        "information note **"}) {
    EXPECT_TRUE(IsNoteHeading(h)) << h;
  }
  for (const char* h : {"Information Notes on X", "Information", "Note"}) {
    EXPECT_FALSE(IsNoteHeading(h)) << h;
  }
}

TEST(FootnotesTest, WhatIsClaimed) {
  struct Case {
    std::string line;
    LineUse use;
  };
  const std::vector<Case> cases = {
      {"Information Note\u00b9", LineUse::kHeading},
      {"\u00b9 For information only-not an official report.",
       LineUse::kDisclaimer},
      {"* For information only - not an official report.",
       LineUse::kDisclaimer},
      {"\u00b2 Another footnote", LineUse::kFootnote},
      {"3", LineUse::kPageDebris},
      {"- 3 -", LineUse::kPageDebris},
      {"Page 3 of 5", LineUse::kPageDebris},
      {"3/5", LineUse::kPageDebris},
      {"1540 experts met", LineUse::kIgnored},
      {"2013", LineUse::kIgnored},
      {"Highlights", LineUse::kIgnored},
  };
  for (const Case& c : cases) {
    std::vector<Line> lines = {{1, c.line}};
    std::vector<LineAccount> accounts(1);
    Budget budget;
    ReadFootnotes(lines, accounts, budget);
    EXPECT_EQ(accounts[0].use, c.use) << c.line;
  }
}

TEST(FootnotesTest, DisclaimerOnceWithItsWrappedTailAndMarkersRemoved) {
  std::vector<Line> lines = {
      {1, "Information Note\u00b9"},
      {2, "Event\tW\u00b2"},
      {3, "\u00b9 For information only - not an official report. The views"},
      {4, "expressed here are not the Committee's."},
      {5, "\u00b9 For information only - not an official report."},
  };
  std::vector<LineAccount> accounts(lines.size());
  Budget budget;
  const Footnotes f = ReadFootnotes(lines, accounts, budget);
  EXPECT_EQ(f.disclaimer,
            "For information only - not an official report. The views "
            "expressed here are not the Committee's.");
  EXPECT_EQ(lines[1].text, "Event\tW");
  EXPECT_EQ(accounts[3].use, LineUse::kDisclaimer);
  EXPECT_THAT(accounts[4].detail, HasSubstr("repeated"));
}

}  // namespace
}  // namespace outreach::gateway::note
