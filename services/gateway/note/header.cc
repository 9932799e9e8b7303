#include "services/gateway/note/header.h"

#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/text/utf8.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "re2/re2.h"
#include "services/gateway/note/footnotes.h"
#include "services/gateway/note/sections.h"

namespace outreach::gateway::note {
namespace {

struct LabelWords {
  const char* words;
  HeaderField field;
};

constexpr LabelWords kLabels[] = {
    {"event", HeaderField::kEvent},
    {"event title", HeaderField::kEvent},
    {"title of the event", HeaderField::kEvent},
    {"title", HeaderField::kEvent},
    {"name of the event", HeaderField::kEvent},
    {"event name", HeaderField::kEvent},
    {"organizers", HeaderField::kOrganizers},
    {"organizer", HeaderField::kOrganizers},
    {"organisers", HeaderField::kOrganizers},
    {"organiser", HeaderField::kOrganizers},
    {"organized by", HeaderField::kOrganizers},
    {"organised by", HeaderField::kOrganizers},
    {"co-organizers", HeaderField::kOrganizers},
    {"co-organisers", HeaderField::kOrganizers},
    {"organizing entities", HeaderField::kOrganizers},
    {"organising entities", HeaderField::kOrganizers},
    {"hosted by", HeaderField::kOrganizers},
    {"date and venue", HeaderField::kDateAndVenue},
    {"dates and venue", HeaderField::kDateAndVenue},
    {"date and place", HeaderField::kDateAndVenue},
    {"dates and place", HeaderField::kDateAndVenue},
    {"date and location", HeaderField::kDateAndVenue},
    {"dates and location", HeaderField::kDateAndVenue},
    {"date/venue", HeaderField::kDateAndVenue},
    {"date & venue", HeaderField::kDateAndVenue},
    {"venue and date", HeaderField::kVenueAndDate},
    {"venue and dates", HeaderField::kVenueAndDate},
    {"place and date", HeaderField::kVenueAndDate},
    {"place and dates", HeaderField::kVenueAndDate},
    {"location and date", HeaderField::kVenueAndDate},
    {"location and dates", HeaderField::kVenueAndDate},
    {"venue/date", HeaderField::kVenueAndDate},
    {"dates", HeaderField::kDate},
    {"date", HeaderField::kDate},
    {"date(s)", HeaderField::kDate},
    {"venue", HeaderField::kVenue},
    {"place", HeaderField::kVenue},
    {"location", HeaderField::kVenue},
    {"participants", HeaderField::kParticipants},
    {"participation", HeaderField::kParticipants},
    {"list of participants", HeaderField::kParticipants},
    {"participating delegations", HeaderField::kParticipants},
};

// The alternation of every label, longest first so that "Date and Venue"
// wins over "Date"; spaces match any run of blanks.
std::string Alternation() {
  std::vector<std::string> words;
  for (const LabelWords& l : kLabels) words.push_back(l.words);
  std::sort(words.begin(), words.end(),
            [](const std::string& a, const std::string& b) {
              return a.size() > b.size();
            });
  std::vector<std::string> quoted;
  for (const std::string& w : words) {
    std::string q = RE2::QuoteMeta(w);
    // QuoteMeta escapes spaces as "\ "; any run of blanks will do.
    std::string pattern;
    for (size_t i = 0; i < q.size(); ++i) {
      if (q[i] == '\\' && i + 1 < q.size() && q[i + 1] == ' ') {
        pattern += "[ \\t]+";
        ++i;
      } else {
        pattern += q[i];
      }
    }
    quoted.push_back(pattern);
  }
  return absl::StrJoin(quoted, "|");
}

// Numbering before a label: "1.", "3)", "II.", "a)".
constexpr absl::string_view kNumbering =
    "(?:(?:[0-9]{1,2}|[ivxIVX]{1,4}|[a-hA-H])[.)][ \\t]*)?";

// A label at the start of a line, followed by a tab, a colon, or nothing.
const RE2& LineStartLabel() {
  static const RE2* const re = new RE2(
      absl::StrCat("(?i)^", kNumbering, "(", Alternation(),
                   ")[ ]*(?:\\((?:[^)]{0,60})\\))?[ ]*(:|\\t|$)"));
  return *re;
}

// A label inside a line, after a blank or a '.'/';', followed by a colon:
// headers run together into one paragraph.
const RE2& InlineLabel() {
  static const RE2* const re = new RE2(absl::StrCat(
      "(?i)(?:^|[ \\t;.])", kNumbering, "(", Alternation(), ")[ ]*:"));
  return *re;
}

HeaderField FieldOf(absl::string_view label) {
  std::string l = absl::AsciiStrToLower(label);
  // Collapse runs of blanks like the pattern does.
  std::string words;
  for (char c : l) {
    const bool blank = c == ' ' || c == '\t';
    if (blank && (words.empty() || words.back() == ' ')) continue;
    words.push_back(blank ? ' ' : c);
  }
  for (const LabelWords& w : kLabels) {
    if (words == w.words) return w.field;
  }
  return HeaderField::kEvent;  // unreachable: the pattern matched one
}

struct Found {
  size_t begin;        // where the match (numbering included) starts
  size_t value_begin;  // just past the separator
  std::string label;
  HeaderField field;
};

// Every label on one line, left to right.
std::vector<Found> FindLabels(absl::string_view text) {
  std::vector<Found> out;
  const re2::StringPiece piece(text.data(), text.size());
  auto offset = [&](const re2::StringPiece& p) {
    return static_cast<size_t>(p.data() - text.data());
  };
  re2::StringPiece m[2];
  if (LineStartLabel().Match(piece, 0, piece.size(), RE2::ANCHOR_START, m,
                             2)) {
    out.push_back({0, offset(m[0]) + m[0].size(), std::string(m[1]),
                   FieldOf(absl::string_view(m[1].data(), m[1].size()))});
  }
  size_t pos = out.empty() ? 0 : out.back().value_begin;
  // One search per label found, each starting where the last ended: the
  // line is scanned once.
  while (pos < text.size() &&
         InlineLabel().Match(piece, pos, piece.size(), RE2::UNANCHORED, m,
                             2)) {
    size_t begin = offset(m[0]);
    const char c = text[begin];
    if (c == ' ' || c == '\t' || c == '.' || c == ';') ++begin;
    const size_t end = offset(m[0]) + m[0].size();
    out.push_back({begin, end, std::string(m[1]),
                   FieldOf(absl::string_view(m[1].data(), m[1].size()))});
    pos = end;
  }
  return out;
}

}  // namespace

std::string HeaderValue::Joined() const {
  std::string out;
  for (const Line& l : lines) {
    if (!l.text.empty()) AppendWrapped(out, l.text);
  }
  return out;
}

absl::StatusOr<Header> ReadHeader(const std::vector<Line>& lines, size_t end,
                                  std::vector<LineAccount>& accounts,
                                  Budget& budget) {
  Header out;
  HeaderValue* current = nullptr;
  std::string current_name;
  auto open = [&](const Found& f, int line) {
    auto [it, inserted] = out.fields.try_emplace(f.field);
    if (inserted) {
      it->second.label = std::string(absl::StripAsciiWhitespace(f.label));
      it->second.label_line = line;
    } else {
      out.warnings.push_back(
          {line, absl::StrCat("the header has \"", f.label,
                              "\" twice; its values are joined")});
    }
    current = &it->second;
    current_name = std::string(HeaderFieldName(f.field));
  };
  for (size_t i = 0; i < end && i < lines.size(); ++i) {
    if (!budget.Tick()) return budget.status();
    const Line& line = lines[i];
    LineAccount& account = accounts[i];
    if (account.use != LineUse::kIgnored) continue;
    if (line.text.empty()) {
      account = {line.number, LineUse::kBlank, "", ""};
      continue;
    }
    const std::vector<Found> found = FindLabels(line.text);
    // Text before the first label continues the open value, or is the
    // title line or debris when no value is open.
    const size_t first = found.empty() ? line.text.size() : found[0].begin;
    std::string lead(
        absl::StripAsciiWhitespace(absl::string_view(line.text).substr(
            0, first)));
    if (!lead.empty()) {
      if (current != nullptr) {
        current->lines.push_back({line.number, lead});
      } else if (IsNoteHeading(lead)) {
        account = {line.number, LineUse::kHeading, "", "the note's title"};
      } else if (lead.find('\t') != std::string::npos) {
        // "Language<TAB>English": a row this parser does not know.
        out.warnings.push_back(
            {line.number, absl::StrCat("ignored header row \"",
                                       lead.substr(0, lead.find('\t')), "\"")});
        account = {line.number, LineUse::kIgnored, "",
                   "an unknown header row"};
        continue;
      } else {
        out.warnings.push_back(
            {line.number, absl::StrCat("ignored text before the header: \"",
                                       Utf8Prefix(lead, 60), "\"")});
        account = {line.number, LineUse::kIgnored, "",
                   "text before the first header label"};
        continue;
      }
    }
    std::vector<std::string> targets;
    for (size_t k = 0; k < found.size(); ++k) {
      const size_t to =
          k + 1 < found.size() ? found[k + 1].begin : line.text.size();
      const size_t from = std::min(found[k].value_begin, to);
      open(found[k], line.number);
      targets.push_back(current_name);
      std::string value(absl::StripAsciiWhitespace(
          absl::string_view(line.text).substr(from, to - from)));
      if (!value.empty()) current->lines.push_back({line.number, value});
    }
    if (found.empty()) {
      if (current == nullptr) continue;  // accounted above
      account = {line.number, LineUse::kHeaderValue, current_name,
                 "continues the value above"};
    } else if (found.size() == 1 && lead.empty() &&
               (current->lines.empty() ||
                current->lines.back().number != line.number)) {
      account = {line.number, LineUse::kHeaderLabel, current_name,
                 "a label; its value follows"};
    } else {
      account = {line.number, LineUse::kHeaderRow, absl::StrJoin(targets, ","),
                 found.size() > 1 ? "header rows run together on one line"
                                  : "a label and its value"};
    }
  }
  return out;
}

}  // namespace outreach::gateway::note
