#include "services/gateway/note/venue.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace outreach::gateway::note {
namespace {

std::string CleanPart(absl::string_view part) {
  absl::string_view v = absl::StripAsciiWhitespace(part);
  for (const char* lead : {"in ", "at ", "In ", "At ", "- ", "-"}) {
    if (absl::ConsumePrefix(&v, lead)) break;
  }
  while (!v.empty() && (v.back() == '.' || v.back() == ';' || v.back() == '-' ||
                        v.back() == ',')) {
    v.remove_suffix(1);
  }
  v = absl::StripAsciiWhitespace(v);
  // Only punctuation or digits left (debris of the dates): nothing.
  bool letter = false;
  for (char c : v) letter |= absl::ascii_isalpha(c) != 0 ||
                             static_cast<unsigned char>(c) >= 0x80;
  return letter ? std::string(v) : std::string();
}

}  // namespace

VenueReading ReadVenue(absl::string_view text) {
  // "Vienna (Austria)" reads as "Vienna, Austria"; commas inside other
  // parentheses split nothing.
  std::vector<std::string> parts;
  std::string cur;
  int depth = 0;
  auto flush = [&] {
    std::string p = CleanPart(cur);
    if (!p.empty()) parts.push_back(std::move(p));
    cur.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '(') {
      if (depth++ == 0) {
        flush();
        continue;
      }
    } else if (c == ')' && depth > 0) {
      if (--depth == 0) {
        flush();
        continue;
      }
    } else if ((c == ',' || c == ';' || c == '\t') && depth == 0) {
      flush();
      continue;
    }
    cur.push_back(c);
  }
  flush();
  VenueReading out;
  if (parts.empty()) return out;
  out.country = parts.back();
  if (parts.size() >= 2) out.city = parts[parts.size() - 2];
  for (size_t i = 0; i + 2 < parts.size(); ++i) out.dropped.push_back(parts[i]);
  return out;
}

}  // namespace outreach::gateway::note
