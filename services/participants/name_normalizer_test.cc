#include "services/participants/name_normalizer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outreach::participants {
namespace {

TEST(NormalizeNameTest, CaseAccentsPunctuationArticles) {
  EXPECT_EQ(NormalizeName("the Republic of Korea"), "republic of korea");
  EXPECT_EQ(NormalizeName("Türkiye"), "turkiye");
  EXPECT_EQ(NormalizeName("Côte d’Ivoire"), "cote d ivoire");
  EXPECT_EQ(NormalizeName("Cote d'Ivoire"), "cote d ivoire");
  EXPECT_EQ(NormalizeName("Bosnia & Herzegovina"), "bosnia and herzegovina");
  EXPECT_EQ(NormalizeName("  U.S.  "), "u s");
  EXPECT_EQ(NormalizeName("States-Members of the OSCE"),
            "states members of the osce");
}

// NormalizeName does not run ICU on printable ASCII: that is right only if
// ICU would leave every such character as it is, alone and in context.
TEST(NameNormalizerTest, PrintableAsciiSkipsIcuUnchanged) {
  std::string all;
  for (char c = 0x20; c < 0x7f; ++c) {
    const std::string one(1, c);
    EXPECT_EQ(internal::TransliterateToAscii(one), one) << "char " << int{c};
    EXPECT_EQ(internal::TransliterateToAscii("a" + one + "b"), "a" + one + "b")
        << "char " << int{c};
    all.push_back(c);
  }
  EXPECT_EQ(internal::TransliterateToAscii(all), all);
  for (const char* name : {"Cote d'Ivoire", "Bosnia & Herzegovina",
                           "Korea (Rep.)", "UN ODA", "1540 Committee expert"}) {
    EXPECT_EQ(internal::TransliterateToAscii(name), name);
  }
  // Anything else still goes through ICU.
  EXPECT_EQ(NormalizeName("T\xC3\xBCrkiye"), "turkiye");
  EXPECT_EQ(NormalizeName("C\xC3\xB4te d'Ivoire"), "cote d ivoire");
  EXPECT_EQ(NormalizeName("tab\there"), "tab here");
}

TEST(ParseNameTest, AcronymsAndNotes) {
  ParsedName p =
      ParseName("International Criminal Police Organisation (INTERPOL)");
  EXPECT_EQ(p.key, "international criminal police organisation");
  EXPECT_THAT(p.acronyms, ::testing::ElementsAre("interpol"));
  p = ParseName("1540 Committee (two 1540 Committee experts)");
  EXPECT_EQ(p.key, "1540 committee");
  EXPECT_TRUE(p.acronyms.empty());
  EXPECT_EQ(p.note, "two 1540 Committee experts");
}

TEST(SimilarityTest, RanksTyposAndWordOrder) {
  EXPECT_EQ(Similarity("ukraine", "ukraine"), 1.0);
  EXPECT_GT(Similarity("ukrain", "ukraine"), 0.8);
  EXPECT_GT(Similarity("korea republic of", "republic of korea"), 0.9);
  EXPECT_LT(Similarity("japan", "jamaica"), 0.7);
}

}  // namespace
}  // namespace outreach::participants
