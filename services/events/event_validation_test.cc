#include "services/events/event_validation.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/events/test_util.h"

namespace outreach::events {
namespace {

using ::testing::Contains;
using ::testing::Field;
using ::testing::IsEmpty;

class ValidateEventTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    countries_ = CountryRegistry::Load()->release();
  }
  std::vector<FieldViolation> Violations(const v1::Event& e) {
    FieldViolations v;
    ValidateEvent(e, *countries_, "event", v);
    return v.violations();
  }
  static CountryRegistry* countries_;
};
CountryRegistry* ValidateEventTest::countries_ = nullptr;

TEST_F(ValidateEventTest, SeedEventIsValid) {
  EXPECT_THAT(Violations(testing::KievWorkshop()), IsEmpty());
}

TEST_F(ValidateEventTest, ReportsEveryProblemWithItsField) {
  v1::Event e = testing::KievWorkshop();
  e.set_title("  ");
  e.mutable_end_date()->set_year(2012);
  e.mutable_venue()->set_country_code("XX");
  e.set_contact_email("not an email");
  e.mutable_organizers(0)->set_display_name("");
  e.add_topics("EXPORT CONTROL");
  e.add_highlights("");
  e.set_kind(static_cast<v1::EventKind>(99));
  auto v = Violations(e);
  for (const char* field :
       {"event.title", "event.end_date", "event.venue.country_code",
        "event.contact_email", "event.organizers[0].display_name",
        "event.topics[2]", "event.highlights[1]", "event.kind"}) {
    EXPECT_THAT(v, Contains(Field(&FieldViolation::field, field))) << field;
  }
}

TEST_F(ValidateEventTest, DatesMustBeReal) {
  v1::Event e = testing::KievWorkshop();
  e.mutable_start_date()->set_month(2);
  e.mutable_start_date()->set_day(30);
  EXPECT_THAT(Violations(e),
              Contains(Field(&FieldViolation::field, "event.start_date")));
  e.clear_start_date();
  EXPECT_THAT(Violations(e),
              Contains(Field(&FieldViolation::field, "event.start_date")));
}

TEST_F(ValidateEventTest, SizeLimits) {
  v1::Event e = testing::KievWorkshop();
  e.set_title(std::string(kMaxTitle + 1, 'a'));
  for (int i = 0; i <= kMaxTopics; ++i) e.add_topics("t" + std::to_string(i));
  auto v = Violations(e);
  EXPECT_THAT(v, Contains(Field(&FieldViolation::field, "event.title")));
  EXPECT_THAT(v, Contains(Field(&FieldViolation::field, "event.topics")));
}

TEST(EventValidationTest, Ids) {
  EXPECT_TRUE(IsValidId("kiev-2013"));
  EXPECT_FALSE(IsValidId("2013-kiev"));
  EXPECT_FALSE(IsValidId("kiev-"));
  EXPECT_FALSE(IsValidId("Kiev"));
  EXPECT_FALSE(IsValidId(std::string(64, 'a')));
  EXPECT_TRUE(ParseEventName("events/kiev", "name").ok());
  EXPECT_FALSE(ParseEventName("event/kiev", "name").ok());
  EXPECT_FALSE(ParseEventName("events/", "name").ok());
}

TEST(EventValidationTest, Emails) {
  EXPECT_TRUE(IsValidEmail("1540experts@un.org"));
  EXPECT_FALSE(IsValidEmail("1540experts@un"));
  EXPECT_FALSE(IsValidEmail("a@b@c.org"));
  EXPECT_FALSE(IsValidEmail("a b@c.org"));
}

}  // namespace
}  // namespace outreach::events
