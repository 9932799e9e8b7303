#include "services/gateway/note/dates.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outreach::gateway::note {
namespace {

std::string Key(const outreach::type::v1::Date& d) {
  char buf[16];
  snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year(), d.month(), d.day());
  return buf;
}

TEST(DatesTest, EveryFormOfDomainMd) {
  struct Case {
    std::string text;
    std::string start, end;
    std::string printed;  // the span the dates were read from
  };
  const std::vector<Case> cases = {
      {"5-6 November 2013, Kiev, Ukraine", "2013-11-05", "2013-11-06",
       "5-6 November 2013"},
      {"9-11 June 2014", "2014-06-09", "2014-06-11", "9-11 June 2014"},
      {"28 September - 1 October 2016, Vienna", "2016-09-28", "2016-10-01",
       "28 September - 1 October 2016"},
      {"30 December 2016 - 3 January 2017", "2016-12-30", "2017-01-03",
       "30 December 2016 - 3 January 2017"},
      {"17 to 19 March 2014", "2014-03-17", "2014-03-19",
       "17 to 19 March 2014"},
      {"Chisinau, Republic of Moldova, 12 March 2015", "2015-03-12",
       "2015-03-12", "12 March 2015"},
      {"5 and 6 May 2014", "2014-05-05", "2014-05-06", "5 and 6 May 2014"},
      {"November 5-6, 2013, Wiesbaden", "2013-11-05", "2013-11-06",
       "November 5-6, 2013"},
      {"November 5, 2013", "2013-11-05", "2013-11-05", "November 5, 2013"},
      {"September 28 - October 1, 2016", "2016-09-28", "2016-10-01",
       "September 28 - October 1, 2016"},
      {"5th-6th Nov. 2013", "2013-11-05", "2013-11-06", "5th-6th Nov. 2013"},
      {"from 1 until 3 Sept 2015", "2015-09-01", "2015-09-03",
       "1 until 3 Sept 2015"},
      {"12 MARCH 2015", "2015-03-12", "2015-03-12", "12 MARCH 2015"},
      {"29 February 2016", "2016-02-29", "2016-02-29", "29 February 2016"},
  };
  for (const Case& c : cases) {
    const DateReading r = ReadDates(c.text);
    ASSERT_TRUE(r.range.has_value()) << c.text << ": " << r.problem;
    EXPECT_EQ(Key(r.range->start), c.start) << c.text;
    EXPECT_EQ(Key(r.range->end), c.end) << c.text;
    EXPECT_EQ(c.text.substr(r.range->begin,
                            r.range->end_offset - r.range->begin),
              c.printed);
  }
}

TEST(DatesTest, WhatIsNotADate) {
  struct Case {
    std::string text;
    std::string problem;
  };
  const std::vector<Case> cases = {
      {"Kiev, Ukraine", "no date found"},
      {"", "no date found"},
      {"31 February 2014", "not a calendar date"},
      {"29 February 2015", "not a calendar date"},
      {"6-5 November 2013", "ends before it starts"},
      {"November 2013", "no date found"},
      {"5 November", "no date found"},
      {"1540 experts", "no date found"},
      {std::string(100000, '5'), "no date found"},
  };
  for (const Case& c : cases) {
    const DateReading r = ReadDates(c.text);
    EXPECT_FALSE(r.range.has_value()) << c.text.substr(0, 40);
    EXPECT_THAT(r.problem, ::testing::HasSubstr(c.problem));
  }
}

TEST(DatesTest, MonthNames) {
  EXPECT_EQ(MonthNumber("January"), 1);
  EXPECT_EQ(MonthNumber("sept"), 9);
  EXPECT_EQ(MonthNumber("SEP"), 9);
  EXPECT_EQ(MonthNumber("Dec"), 12);
  EXPECT_EQ(MonthNumber("Ma"), 0);
  EXPECT_EQ(MonthNumber("Mayday"), 0);
}

}  // namespace
}  // namespace outreach::gateway::note
