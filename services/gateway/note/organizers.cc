#include "services/gateway/note/organizers.h"

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "services/gateway/note/participants.h"

namespace outreach::gateway::note {
std::vector<Organizer> ReadOrganizers(absl::string_view value) {
  std::vector<Organizer> out;
  std::string text(absl::StripAsciiWhitespace(value));
  std::string host = text;
  std::string partners;
  std::string supporters;
  const std::string lower = absl::AsciiStrToLower(text);
  for (const char* sep : {" in cooperation with ", " in co-operation with ",
                          " together with ", " jointly with ",
                          " in collaboration with ", " in partnership with "}) {
    const size_t at = lower.find(sep);
    if (at != std::string::npos) {
      host = text.substr(0, at);
      partners = text.substr(at + std::strlen(sep));
      break;
    }
  }
  for (std::string* part : {&host, &partners}) {
    const std::string l = absl::AsciiStrToLower(*part);
    for (const char* sep : {" with the support of ", " supported by ",
                            " with support from ", " with the support from ",
                            " with financial support from "}) {
      const size_t at = l.find(sep);
      if (at != std::string::npos) {
        supporters = part->substr(at + std::strlen(sep));
        part->resize(at);
        break;
      }
    }
  }
  auto add = [&out](const std::string& list, OrganizerRole role) {
    for (auto& n :
         SplitNames(absl::StrReplaceAll(list, {{" and the ", ", the "}}))) {
      out.push_back({n, role});
    }
  };
  if (partners.empty()) {
    add(host, OrganizerRole::kHost);
    // Several organizers without a host named: the first hosts.
    for (size_t i = 1; i < out.size(); ++i) {
      out[i].role = OrganizerRole::kCoOrganizer;
    }
  } else {
    const std::string h = CleanName(host);
    if (!h.empty()) out.push_back({h, OrganizerRole::kHost});
    add(partners, OrganizerRole::kCoOrganizer);
  }
  add(supporters, OrganizerRole::kSupporter);
  return out;
}

}  // namespace outreach::gateway::note
