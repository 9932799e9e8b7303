#ifndef OUTREACH_SERVICES_GATEWAY_NOTE_ORGANIZERS_H_
#define OUTREACH_SERVICES_GATEWAY_NOTE_ORGANIZERS_H_

// Stage 5c: "Organizers" into names with roles. "X in cooperation with Y
// and Z" makes X the host and Y, Z co-organizers; "… with the support of
// W" (also "supported by", "with support from") makes W a supporter.
// Several names with no host named: the first hosts, the others
// co-organize. One name per line (bulleted) reads like a comma list.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/gateway/note/note_types.h"

namespace outreach::gateway::note {

struct Organizer {
  std::string printed_name;
  OrganizerRole role = OrganizerRole::kHost;
};

std::vector<Organizer> ReadOrganizers(absl::string_view value);

}  // namespace outreach::gateway::note

#endif  // OUTREACH_SERVICES_GATEWAY_NOTE_ORGANIZERS_H_
