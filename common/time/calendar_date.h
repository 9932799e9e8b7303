#ifndef OUTREACH_COMMON_TIME_CALENDAR_DATE_H_
#define OUTREACH_COMMON_TIME_CALENDAR_DATE_H_

// Calendar dates (outreach.type.v1.Date): validity, and a "YYYY-MM-DD" key
// that orders as the dates do, for storage and filters.

#include <string>

#include "absl/strings/string_view.h"
#include "outreach/type/v1/date.pb.h"

namespace outreach {

// A full date: year 1-9999, month 1-12, a day that exists in that month.
bool IsValidDate(const outreach::type::v1::Date& date);
// "YYYY-MM-DD".
std::string DateKey(const outreach::type::v1::Date& date);
// Parses "YYYY-MM-DD"; false unless it is a valid full date.
bool ParseDateKey(absl::string_view text, outreach::type::v1::Date* date);

}  // namespace outreach

#endif  // OUTREACH_COMMON_TIME_CALENDAR_DATE_H_
