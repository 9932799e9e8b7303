// libFuzzer target: the date and venue readers of the note parser. Dates
// read are calendar dates in order, and lie inside the text.

#include <cstdint>
#include <cstdlib>
#include <tuple>

#include "common/time/calendar_date.h"
#include "services/gateway/note/dates.h"
#include "services/gateway/note/venue.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const auto dates = outreach::gateway::note::ReadDates(text);
  if (dates.range.has_value()) {
    const auto& r = *dates.range;
    if (!outreach::IsValidDate(r.start) || !outreach::IsValidDate(r.end)) {
      abort();
    }
    if (std::make_tuple(r.end.year(), r.end.month(), r.end.day()) <
        std::make_tuple(r.start.year(), r.start.month(), r.start.day())) {
      abort();
    }
    if (r.begin > r.end_offset || r.end_offset > text.size()) abort();
  } else if (dates.problem.empty()) {
    abort();
  }
  const auto venue = outreach::gateway::note::ReadVenue(text);
  if (venue.country.empty() && !venue.city.empty()) abort();
  return 0;
}
