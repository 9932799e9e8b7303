#include "services/gateway/note_renderer.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outreach::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadExample(const std::string& name) {
  std::ifstream in(std::string(OUTREACH_EXAMPLES) + "/notes/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos;
       p = haystack.find(needle, p + 1)) {
    ++n;
  }
  return n;
}

outreach::type::v1::Date D(int y, int m, int d) {
  outreach::type::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

TEST(FormatDateRangeTest, Shapes) {
  EXPECT_EQ(FormatDateRange(D(2013, 11, 5), D(2013, 11, 6)),
            "5-6 November 2013");
  EXPECT_EQ(FormatDateRange(D(2013, 11, 5), D(2013, 11, 5)), "5 November 2013");
  EXPECT_EQ(FormatDateRange(D(2013, 11, 30), D(2013, 12, 2)),
            "30 November - 2 December 2013");
  EXPECT_EQ(FormatDateRange(D(2013, 12, 30), D(2014, 1, 2)),
            "30 December 2013 - 2 January 2014");
}

// Every fact of the seed survives parse -> render TEXT -> parse, and the
// rendered text holds each of them where a reader expects it.
TEST(NoteRendererTest, SeedFidelity) {
  const std::string seed = ReadExample("kiev_2013.txt");
  auto parsed = ParseInformationNote(seed);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const std::string text = RenderText(*parsed);

  EXPECT_THAT(text, HasSubstr("Event\tRegional Workshop on the Implementation "
                              "of UNSC Resolution 1540 (2004)"));
  EXPECT_THAT(text,
              HasSubstr("Date and Venue\t5-6 November 2013, Kiev, Ukraine"));
  EXPECT_THAT(text, HasSubstr("Organizers\tThe Government of Ukraine in "
                              "cooperation with the Conflict Prevention"));
  EXPECT_THAT(text, HasSubstr("Participants\tStates-Members of the OSCE: "
                              "Albania, Algeria, Armenia"));
  EXPECT_THAT(text, HasSubstr("Ukraine, United States Other: European Union, "
                              "UN ODA, OSCE, 1540 Committee expert"));
  EXPECT_EQ(Count(text, "For information only"), 1u) << "the disclaimer, once";
  const size_t objectives =
      text.find("Objectives for 1540 expert participation");
  const size_t highlights = text.find("\nHighlights\n");
  const size_t disclaimer = text.find("For information only");
  EXPECT_LT(objectives, highlights);
  EXPECT_GT(disclaimer, highlights) << "as a footnote, not inside Objectives";
  EXPECT_THAT(text, HasSubstr("1540experts@un.org"));

  auto again = ParseInformationNote(text);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->title, parsed->title);
  EXPECT_EQ(again->start_date.SerializeAsString(),
            parsed->start_date.SerializeAsString());
  EXPECT_EQ(again->end_date.SerializeAsString(),
            parsed->end_date.SerializeAsString());
  EXPECT_EQ(again->city, parsed->city);
  EXPECT_EQ(again->country, parsed->country);
  ASSERT_EQ(again->organizers.size(), parsed->organizers.size());
  for (size_t i = 0; i < parsed->organizers.size(); ++i) {
    EXPECT_EQ(again->organizers[i].printed_name,
              parsed->organizers[i].printed_name);
    EXPECT_EQ(again->organizers[i].role, parsed->organizers[i].role);
  }
  ASSERT_EQ(again->participants.size(), parsed->participants.size());
  for (size_t i = 0; i < parsed->participants.size(); ++i) {
    EXPECT_EQ(again->participants[i].printed_name,
              parsed->participants[i].printed_name);
    EXPECT_EQ(again->participants[i].printed_group,
              parsed->participants[i].printed_group);
  }
  EXPECT_EQ(again->background, parsed->background);
  EXPECT_EQ(again->objectives, parsed->objectives);
  EXPECT_EQ(again->highlights, parsed->highlights);
  EXPECT_EQ(again->additional_comments, parsed->additional_comments);
  EXPECT_EQ(again->contact_email, "1540experts@un.org");
  EXPECT_EQ(again->disclaimer, parsed->disclaimer);
}

TEST(NoteRendererTest, HtmlIsACompleteEscapedPage) {
  ParsedNote note;
  note.title = "<script>alert('x')</script> & co";
  ParsedParticipant p;
  p.printed_name = "A <b>";
  p.printed_group = "States";
  note.participants.push_back(p);
  note.highlights.push_back("\"quoted\"");
  const std::string html = RenderHtml(note);
  EXPECT_TRUE(absl::StartsWith(html, "<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("</html>"));
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  EXPECT_THAT(
      html,
      HasSubstr("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
  EXPECT_THAT(html, HasSubstr("A &lt;b&gt;"));
  EXPECT_THAT(html, HasSubstr("@media print"));
  EXPECT_EQ(Count(html, "For information only"), 1u);
}

TEST(NoteRendererTest, MarkdownHasTheTableAndOneFootnote) {
  auto parsed = ParseInformationNote(ReadExample("kiev_2013.txt"));
  ASSERT_TRUE(parsed.ok());
  const std::string md = RenderMarkdown(*parsed);
  EXPECT_THAT(md, HasSubstr("| **Event** | Regional Workshop"));
  EXPECT_THAT(md, HasSubstr("## Highlights"));
  EXPECT_EQ(Count(md, "[^disclaimer]:"), 1u);
}

}  // namespace
}  // namespace outreach::gateway
