#include "services/gateway/note/normalize.h"

#include "common/status/status_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outreach::gateway::note {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

std::vector<std::string> Texts(const NormalizedText& n) {
  std::vector<std::string> out;
  for (const Line& l : n.lines) out.push_back(l.text);
  return out;
}

TEST(NormalizeTest, Table) {
  struct Case {
    std::string name;
    std::string in;
    std::vector<std::string> lines;
  };
  const std::vector<Case> cases = {
      {"crlf", "a\r\nb\r\n", {"a", "b"}},
      {"lone cr", "a\rb", {"a", "b"}},
      {"form feed is a page break", "a\fb", {"a", "b"}},
      {"unicode line separators", "a\u2028b\u2029c\u0085d",
       {"a", "b", "c", "d"}},
      {"en and em dashes", "9\u201311 June \u2014 x \u2212 y",
       {"9-11 June - x - y"}},
      {"curly quotes", "\u201cExport\u201d experts\u2019 \u2018x\u2019",
       {"\"Export\" experts' 'x'"}},
      {"spaces", "a\u00a0b\u2009c\u3000d", {"a b c d"}},
      {"zero width, bom and soft hyphen", "\ufeffim\u00adple\u200bment",
       {"implement"}},
      {"ligatures", "of\ufb01cial \ufb02ow", {"official flow"}},
      {"runs of spaces", "a  b", {"a b"}},
      {"three spaces are a table cell", "Event   Workshop", {"Event\tWorkshop"}},
      {"tabs collapse", "Event\t\t Workshop", {"Event\tWorkshop"}},
      {"trimmed", "  a  \n\t b \t", {"a", "b"}},
      {"nul removed", std::string("Eve\0nt", 6), {"Event"}},
      {"superscripts kept", "Note\u00b9", {"Note\u00b9"}},
      {"trailing newline adds no line", "a\n", {"a"}},
  };
  for (const Case& c : cases) {
    Budget budget;
    auto n = Normalize(c.in, "text", ParseLimits{}, budget);
    ASSERT_TRUE(n.ok()) << c.name << ": " << n.status();
    EXPECT_THAT(Texts(*n), ElementsAreArray(c.lines)) << c.name;
  }
}

TEST(NormalizeTest, LineNumbersAreThoseOfTheInput) {
  Budget budget;
  auto n = Normalize("a\r\n\r\nb\rc", "text", ParseLimits{}, budget);
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(n->lines.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(n->lines[i].number, i + 1);
}

TEST(NormalizeTest, ControlCharactersAreWarnedAbout) {
  Budget budget;
  auto n = Normalize(std::string("a\nb\0c", 5), "text", ParseLimits{}, budget);
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(n->warnings.size(), 1u);
  EXPECT_EQ(n->warnings[0].line, 2);
  EXPECT_THAT(n->warnings[0].text, HasSubstr("byte offset 3"));
}

TEST(NormalizeTest, RefusalsNameTheProblem) {
  struct Case {
    std::string name;
    std::string in;
    std::string why;
  };
  ParseLimits limits;
  limits.max_line_bytes = 10;
  limits.max_lines = 3;
  limits.max_bytes = 100;
  const std::vector<Case> cases = {
      {"invalid byte", "ab\xff", "byte 0xff at byte offset 2 (line 1)"},
      {"truncated sequence", "ok\n\xe2\x80", "byte offset 3 (line 2)"},
      {"overlong", "\xc0\xaf", "byte 0xc0 at byte offset 0"},
      {"surrogate", "\xed\xa0\x80", "byte offset 0"},
      {"binary", std::string(9, '\x01'), "looks binary"},
      {"long line", "0123456789abc", "longer than the limit of 10 bytes on one line "
                                     "(max_line_bytes)"},
      {"many lines", "a\nb\nc\nd", "more than 3 lines (max_lines)"},
      {"large", std::string(101, 'a'), "(max_bytes)"},
      {"blank", " \n\t\n", "is empty"},
  };
  for (const Case& c : cases) {
    Budget budget;
    auto n = Normalize(c.in, "text", limits, budget);
    ASSERT_FALSE(n.ok()) << c.name;
    EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument);
    auto v = GetFieldViolations(n.status());
    ASSERT_EQ(v.size(), 1u) << c.name;
    EXPECT_EQ(v[0].field, "text");
    EXPECT_THAT(v[0].description, HasSubstr(c.why)) << c.name;
  }
}

TEST(NormalizeTest, ACancelledCallStops) {
  int polls = 0;
  Budget budget(absl::InfiniteFuture(), [&polls] { return ++polls > 2; });
  auto n = Normalize(std::string(1 << 20, 'a'), "text", ParseLimits{},
                     budget);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), absl::StatusCode::kCancelled);
}

TEST(NormalizeTest, APassedDeadlineStops) {
  Budget budget(absl::Now() - absl::Seconds(1), nullptr);
  auto n = Normalize(std::string(1 << 20, '\n'), "text", ParseLimits{},
                     budget);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), absl::StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace outreach::gateway::note
