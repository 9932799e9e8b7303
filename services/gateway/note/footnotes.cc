#include "services/gateway/note/footnotes.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/text/utf8.h"
#include "absl/strings/strip.h"

namespace outreach::gateway::note {
namespace {

// Superscript digits are two bytes (¹ ² ³: C2 B9, C2 B2, C2 B3) or three
// (⁰ ⁴-⁹: E2 81 B0, E2 81 B4-B9). Returns the length at s[i], or 0.
size_t SuperscriptAt(absl::string_view s, size_t i) {
  const auto b = [&](size_t k) {
    return k < s.size() ? static_cast<unsigned char>(s[k]) : 0;
  };
  if (b(i) == 0xc2 && (b(i + 1) == 0xb9 || b(i + 1) == 0xb2 ||
                       b(i + 1) == 0xb3)) {
    return 2;
  }
  if (b(i) == 0xe2 && b(i + 1) == 0x81 &&
      (b(i + 2) == 0xb0 || (b(i + 2) >= 0xb4 && b(i + 2) <= 0xb9))) {
    return 3;
  }
  return 0;
}

bool IsPageNumber(absl::string_view line) {
  std::string s = absl::AsciiStrToLower(line);
  absl::string_view v = s;
  v = absl::StripAsciiWhitespace(v);
  if (v.empty() || v.size() > 20) return false;
  absl::ConsumePrefix(&v, "page");
  v = absl::StripLeadingAsciiWhitespace(v);
  // "- 3 -"
  if (absl::ConsumePrefix(&v, "-")) {
    if (!absl::ConsumeSuffix(&v, "-")) return false;
    v = absl::StripAsciiWhitespace(v);
  }
  size_t digits = 0;
  while (digits < v.size() && absl::ascii_isdigit(v[digits])) ++digits;
  if (digits == 0 || digits > 3) return false;
  v.remove_prefix(digits);
  v = absl::StripLeadingAsciiWhitespace(v);
  if (v.empty()) return true;
  // "3 of 5", "3/5"
  if (!absl::ConsumePrefix(&v, "of") && !absl::ConsumePrefix(&v, "/")) {
    return false;
  }
  v = absl::StripAsciiWhitespace(v);
  if (v.empty() || v.size() > 3) return false;
  for (char c : v) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

bool MentionsDisclaimer(absl::string_view line) {
  // Only near the start: the footnote begins with it, after its marker.
  const std::string head = absl::AsciiStrToLower(Utf8Prefix(line, 40));
  return absl::StrContains(head, "for information only");
}

}  // namespace

bool StripSuperscripts(std::string& s) {
  std::string out;
  bool found = false;
  for (size_t i = 0; i < s.size();) {
    const size_t n = SuperscriptAt(s, i);
    if (n > 0) {
      found = true;
      i += n;
      continue;
    }
    out.push_back(s[i++]);
  }
  if (found) s = std::string(absl::StripAsciiWhitespace(out));
  return found;
}

bool IsNoteHeading(absl::string_view line) {
  std::string s(line);
  StripSuperscripts(s);
  absl::string_view v = absl::StripAsciiWhitespace(s);
  // The marker: digits or asterisks glued on or apart.
  while (!v.empty() && (absl::ascii_isdigit(v.back()) || v.back() == '*' ||
                        v.back() == ' ')) {
    v.remove_suffix(1);
  }
  return v.size() == 16 && absl::EqualsIgnoreCase(v, "information note");
}

Footnotes ReadFootnotes(std::vector<Line>& lines,
                        std::vector<LineAccount>& accounts, Budget& budget) {
  Footnotes out;
  bool in_disclaimer = false;
  bool heading_seen = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!budget.Tick()) break;
    Line& line = lines[i];
    LineAccount& account = accounts[i];
    if (line.text.empty()) {
      in_disclaimer = false;
      continue;
    }
    // The wrapped tail of the disclaimer continues in lower case.
    if (in_disclaimer && absl::ascii_islower(line.text[0])) {
      absl::StrAppend(&out.disclaimer, " ", line.text);
      account = {line.number, LineUse::kDisclaimer, "disclaimer",
                 "the disclaimer footnote, continued"};
      continue;
    }
    in_disclaimer = false;
    if (!heading_seen && IsNoteHeading(line.text)) {
      heading_seen = true;
      account = {line.number, LineUse::kHeading, "",
                 "the note's title line"};
      continue;
    }
    const bool footnote_text = SuperscriptAt(line.text, 0) > 0;
    if (MentionsDisclaimer(line.text)) {
      std::string text = line.text;
      StripSuperscripts(text);
      absl::string_view v = text;
      // "1 For information only", "* For information only"
      while (!v.empty() && (absl::ascii_isdigit(v[0]) || v[0] == '*' ||
                            v[0] == ' ')) {
        v.remove_prefix(1);
      }
      if (out.disclaimer.empty()) {
        out.disclaimer = std::string(v);
        in_disclaimer = !absl::EndsWith(v, ".");
        account = {line.number, LineUse::kDisclaimer, "disclaimer",
                   "the disclaimer footnote"};
      } else {
        account = {line.number, LineUse::kDisclaimer, "",
                   "the disclaimer footnote, repeated; dropped"};
      }
      if (i > 0 || footnote_text) {
        out.warnings.push_back(
            {line.number,
             absl::StrCat("dropped footnote text found inside the body "
                          "(page-break residue): \"",
                          std::string(Utf8Prefix(v, 80)), "\"")});
      }
      continue;
    }
    if (footnote_text) {
      std::string text = line.text;
      StripSuperscripts(text);
      account = {line.number, LineUse::kFootnote, "",
                 "footnote text; dropped"};
      out.warnings.push_back(
          {line.number, absl::StrCat("dropped footnote text: \"",
                                     Utf8Prefix(text, 80), "\"")});
      continue;
    }
    if (IsPageNumber(line.text)) {
      account = {line.number, LineUse::kPageDebris, "",
                 "a page number; dropped"};
      out.warnings.push_back(
          {line.number,
           absl::StrCat("dropped a page number: \"", line.text, "\"")});
      continue;
    }
    if (StripSuperscripts(line.text)) {
      out.warnings.push_back(
          {line.number, absl::StrCat("removed a footnote marker from \"",
                                     Utf8Prefix(line.text, 60), "\"")});
    }
  }
  return out;
}

}  // namespace outreach::gateway::note
