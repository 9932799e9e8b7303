#ifndef OUTREACH_SERVICES_GATEWAY_NOTE_DATES_H_
#define OUTREACH_SERVICES_GATEWAY_NOTE_DATES_H_

// Stage 5a: the dates of "Date and Venue" and its variants. Reads, in any
// position of the text:
//   5-6 November 2013            9-11 June 2014 (en dash, normalized)
//   28 September - 1 October 2016          (across months)
//   30 December 2016 - 3 January 2017      (across years)
//   17 to 19 March 2014          5 and 6 May 2014       12 March 2015
//   November 5-6, 2013           November 5, 2013
//   September 28 - October 1, 2016         5th-6th Nov. 2013
// Month names may be abbreviated ("Sept.", "Nov"); days may carry an
// ordinal ("5th"). The text is read as tokens, each tried once against a
// fixed set of shapes: linear time, no regular expression.

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "outreach/type/v1/date.pb.h"

namespace outreach::gateway::note {

struct DateRange {
  outreach::type::v1::Date start;
  outreach::type::v1::Date end;
  // Where the dates stand in the text read, [begin, end) in bytes.
  size_t begin = 0;
  size_t end_offset = 0;
};

struct DateReading {
  std::optional<DateRange> range;
  // Why no dates were read, when `range` is empty: no date at all, or a
  // date that is not on the calendar or ends before it starts.
  std::string problem;
};

DateReading ReadDates(absl::string_view text);

// 1-12 for "January", "Jan", "Jan.", "Sept"; 0 otherwise. Any case.
int MonthNumber(absl::string_view word);

}  // namespace outreach::gateway::note

#endif  // OUTREACH_SERVICES_GATEWAY_NOTE_DATES_H_
