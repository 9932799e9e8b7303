#ifndef OUTREACH_SERVICES_EVENTS_TEST_UTIL_H_
#define OUTREACH_SERVICES_EVENTS_TEST_UTIL_H_

// Helpers shared by the events unit tests.

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"
#include "outreach/events/v1/events.pb.h"

namespace outreach::events::testing {

// A temporary directory removed when the object dies.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/outreach-events-XXXXXX";
    path_ = mkdtemp(tmpl) ? tmpl : "";
    EXPECT_FALSE(path_.empty());
  }
  ~TempDir() {
    if (!path_.empty()) {
      [[maybe_unused]] int rc = std::system(("rm -rf '" + path_ + "'").c_str());
    }
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The seed note's event, as far as the events service holds it.
inline v1::Event KievWorkshop() {
  v1::Event e;
  e.set_title(
      "Regional Workshop on the Implementation of UNSC Resolution 1540 "
      "(2004)");
  e.set_kind(v1::EVENT_KIND_REGIONAL_WORKSHOP);
  e.set_status(v1::EVENT_STATUS_HELD);
  e.mutable_start_date()->set_year(2013);
  e.mutable_start_date()->set_month(11);
  e.mutable_start_date()->set_day(5);
  e.mutable_end_date()->set_year(2013);
  e.mutable_end_date()->set_month(11);
  e.mutable_end_date()->set_day(6);
  e.mutable_venue()->set_city("Kiev");
  e.mutable_venue()->set_country_code("UA");
  auto* host = e.add_organizers();
  host->set_display_name("The Government of Ukraine");
  host->set_role(v1::ORGANIZER_ROLE_HOST);
  auto* osce = e.add_organizers();
  osce->set_display_name(
      "Conflict Prevention Center of the Organization for Security and "
      "Co-operation in Europe (OSCE)");
  osce->set_role(v1::ORGANIZER_ROLE_CO_ORGANIZER);
  e.add_topics("export control");
  e.add_topics("law enforcement");
  e.add_objectives(
      "Deliver a presentation on the present status of implementation of "
      "resolution 1540 (2004).");
  e.add_highlights("Round-table discussions helped to identify needs.");
  e.set_contact_email("1540experts@un.org");
  return e;
}

inline v1::Event MakeEvent(const std::string& title, int year, int month,
                           int day, const std::string& country) {
  v1::Event e;
  e.set_title(title);
  e.set_kind(v1::EVENT_KIND_NATIONAL_WORKSHOP);
  e.mutable_start_date()->set_year(year);
  e.mutable_start_date()->set_month(month);
  e.mutable_start_date()->set_day(day);
  e.mutable_venue()->set_country_code(country);
  return e;
}

}  // namespace outreach::events::testing

#endif  // OUTREACH_SERVICES_EVENTS_TEST_UTIL_H_
