#include "common/time/calendar_date.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"

namespace outreach {
namespace {

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

}  // namespace

bool IsValidDate(const outreach::type::v1::Date& d) {
  if (d.year() < 1 || d.year() > 9999) return false;
  if (d.month() < 1 || d.month() > 12) return false;
  return d.day() >= 1 && d.day() <= DaysInMonth(d.year(), d.month());
}

std::string DateKey(const outreach::type::v1::Date& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

bool ParseDateKey(absl::string_view text, outreach::type::v1::Date* date) {
  int y, m, d;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !absl::SimpleAtoi(text.substr(0, 4), &y) ||
      !absl::SimpleAtoi(text.substr(5, 2), &m) ||
      !absl::SimpleAtoi(text.substr(8, 2), &d)) {
    return false;
  }
  date->set_year(y);
  date->set_month(m);
  date->set_day(d);
  return IsValidDate(*date);
}

}  // namespace outreach
