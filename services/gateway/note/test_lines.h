#ifndef OUTREACH_SERVICES_GATEWAY_NOTE_TEST_LINES_H_
#define OUTREACH_SERVICES_GATEWAY_NOTE_TEST_LINES_H_

// For the stages' tests: a text as the numbered lines a stage reads.

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "services/gateway/note/note_types.h"

namespace outreach::gateway::note {

inline std::vector<Line> LinesOf(const std::string& text) {
  std::vector<Line> out;
  int n = 0;
  for (absl::string_view l : absl::StrSplit(text, '\n')) {
    out.push_back({++n, std::string(l)});
  }
  return out;
}

}  // namespace outreach::gateway::note

#endif  // OUTREACH_SERVICES_GATEWAY_NOTE_TEST_LINES_H_
