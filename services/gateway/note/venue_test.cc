#include "services/gateway/note/venue.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outreach::gateway::note {
namespace {

TEST(VenueTest, Table) {
  struct Case {
    std::string text, city, country;
  };
  const std::vector<Case> cases = {
      {" , Kiev, Ukraine", "Kiev", "Ukraine"},
      {"Chisinau, Republic of Moldova, ", "Chisinau", "Republic of Moldova"},
      {"Vienna (Austria)", "Vienna", "Austria"},
      {"in Geneva, Switzerland.", "Geneva", "Switzerland"},
      {"Vienna International Centre, Vienna, Austria", "Vienna", "Austria"},
      {"Nairobi", "", "Nairobi"},
      {"", "", ""},
      {" - ", "", ""},
      {"Kiev\tUkraine", "Kiev", "Ukraine"},
  };
  for (const Case& c : cases) {
    const VenueReading v = ReadVenue(c.text);
    EXPECT_EQ(v.city, c.city) << c.text;
    EXPECT_EQ(v.country, c.country) << c.text;
  }
  EXPECT_THAT(ReadVenue("Vienna International Centre, Vienna, Austria").dropped,
              ::testing::ElementsAre("Vienna International Centre"));
}

}  // namespace
}  // namespace outreach::gateway::note
