#ifndef OUTREACH_SERVICES_GATEWAY_NOTE_VENUE_H_
#define OUTREACH_SERVICES_GATEWAY_NOTE_VENUE_H_

// Stage 5b: the place of "Date and Venue" (or "Venue and Date", "Venue",
// "Place", "Location") once its dates are taken out: "Kiev, Ukraine",
// "Chisinau, Republic of Moldova", "Vienna (Austria)", "in Geneva,
// Switzerland.", "Vienna International Centre, Vienna, Austria". The last
// part is the country as printed, the one before it the city; the gateway
// resolves the country to ISO 3166-1 through the participants service.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace outreach::gateway::note {

struct VenueReading {
  std::string city;     // empty when the text names one place only
  std::string country;  // as printed; the only place when there is one
  // Parts before the city ("Vienna International Centre"), not kept.
  std::vector<std::string> dropped;
};

VenueReading ReadVenue(absl::string_view text);

}  // namespace outreach::gateway::note

#endif  // OUTREACH_SERVICES_GATEWAY_NOTE_VENUE_H_
