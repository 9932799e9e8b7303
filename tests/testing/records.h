#ifndef OUTREACH_TESTS_TESTING_RECORDS_H_
#define OUTREACH_TESTS_TESTING_RECORDS_H_

// Records that pass validation, for tests and the soak to write.

#include <string>

#include "outreach/events/v1/events.pb.h"

namespace outreach::testing {

// A regional workshop held in Kyiv on 4 March 2013, titled `title`.
inline events::v1::Event HeldWorkshop(const std::string& title) {
  events::v1::Event e;
  e.set_title(title);
  e.set_kind(events::v1::EVENT_KIND_REGIONAL_WORKSHOP);
  e.set_status(events::v1::EVENT_STATUS_HELD);
  e.mutable_start_date()->set_year(2013);
  e.mutable_start_date()->set_month(3);
  e.mutable_start_date()->set_day(4);
  e.mutable_venue()->set_country_code("UA");
  e.mutable_venue()->set_city("Kyiv");
  return e;
}

}  // namespace outreach::testing

#endif  // OUTREACH_TESTS_TESTING_RECORDS_H_
