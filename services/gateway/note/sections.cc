#include "common/status/status_util.h"
#include "services/gateway/note/sections.h"

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/text/utf8.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace outreach::gateway::note {
namespace {

struct Synonym {
  const char* words;
  SectionKind kind;
};

// Longest first within a kind does not matter: a heading must be one of
// these, whole, or one of them followed by a linking word.
constexpr Synonym kSynonyms[] = {
    {"background", SectionKind::kBackground},
    {"context", SectionKind::kBackground},
    {"introduction", SectionKind::kBackground},
    {"objectives", SectionKind::kObjectives},
    {"objective", SectionKind::kObjectives},
    {"purpose", SectionKind::kObjectives},
    {"aims", SectionKind::kObjectives},
    {"highlights", SectionKind::kHighlights},
    {"highlight", SectionKind::kHighlights},
    {"main outcomes", SectionKind::kHighlights},
    {"main outcome", SectionKind::kHighlights},
    {"key outcomes", SectionKind::kHighlights},
    {"outcomes", SectionKind::kHighlights},
    {"outcome", SectionKind::kHighlights},
    {"summary of discussions", SectionKind::kHighlights},
    {"summary of the discussions", SectionKind::kHighlights},
    {"summary", SectionKind::kHighlights},
    {"discussions", SectionKind::kHighlights},
    {"proceedings", SectionKind::kHighlights},
    {"additional comments", SectionKind::kAdditionalComments},
    {"additional comment", SectionKind::kAdditionalComments},
    {"additional information", SectionKind::kAdditionalComments},
    {"other comments", SectionKind::kAdditionalComments},
    {"comments", SectionKind::kAdditionalComments},
    {"follow-up", SectionKind::kAdditionalComments},
    {"follow up", SectionKind::kAdditionalComments},
    {"follow-ups", SectionKind::kAdditionalComments},
    {"follow-up actions", SectionKind::kAdditionalComments},
    {"next steps", SectionKind::kAdditionalComments},
    {"remarks", SectionKind::kAdditionalComments},
};

// Words that may follow a heading's synonym: "Objectives for 1540 expert
// participation", "Summary of discussions", "Highlights of the meeting".
constexpr const char* kLinkWords[] = {"for", "of",   "on", "and", "from",
                                      "by",  "to",   "in", "at",  "during",
                                      "with"};

bool EndsSentence(absl::string_view s) {
  if (s.empty()) return false;
  const char c = s.back();
  return c == '.' || c == ':' || c == ';' || c == '!' || c == '?';
}

size_t CountWords(absl::string_view s) {
  size_t n = 0;
  bool in = false;
  for (char c : s) {
    const bool space = c == ' ' || c == '\t';
    if (!space && !in) ++n;
    in = !space;
  }
  return n;
}

}  // namespace

absl::string_view StripNumbering(absl::string_view line) {
  absl::string_view v = absl::StripLeadingAsciiWhitespace(line);
  size_t i = 0;
  while (i < v.size() && absl::ascii_isdigit(v[i])) ++i;
  if (i > 0) {
    // "1.", "1)", "1.1", "1 " — one or two digits; "1540 …" is a name.
    if (i > 2) return v;
    size_t j = i;
    while (j + 1 < v.size() && v[j] == '.' && absl::ascii_isdigit(v[j + 1])) {
      j += 2;
    }
    if (j < v.size() && (v[j] == '.' || v[j] == ')')) ++j;
    if (j < v.size() && v[j] != ' ' && v[j] != '\t') return v;
    return absl::StripLeadingAsciiWhitespace(v.substr(j));
  }
  // Roman numerals and letters: "II.", "iv)", "a)".
  size_t k = 0;
  while (k < v.size() && k < 5 && std::strchr("ivxlIVXL", v[k]) != nullptr) {
    ++k;
  }
  if (k == 0 && !v.empty() && absl::ascii_isalpha(v[0])) k = 1;
  if (k > 0 && k + 1 < v.size() && (v[k] == '.' || v[k] == ')') &&
      v[k + 1] == ' ') {
    return absl::StripLeadingAsciiWhitespace(v.substr(k + 1));
  }
  return v;
}

std::optional<SectionKind> SectionHeadingOf(absl::string_view line) {
  if (line.size() > 100) return std::nullopt;
  std::string copy(line);
  if (StripBullet(copy)) return std::nullopt;
  std::string t = absl::AsciiStrToLower(StripNumbering(copy));
  absl::string_view v = absl::StripAsciiWhitespace(t);
  absl::ConsumeSuffix(&v, ":");
  v = absl::StripTrailingAsciiWhitespace(v);
  if (v.empty() || v.back() == '.' || CountWords(v) > 10) return std::nullopt;
  for (const Synonym& s : kSynonyms) {
    absl::string_view rest = v;
    if (!absl::ConsumePrefix(&rest, s.words)) continue;
    if (rest.empty()) return s.kind;
    if (rest[0] != ' ' && rest[0] != '\t') continue;
    rest = absl::StripLeadingAsciiWhitespace(rest);
    for (const char* w : kLinkWords) {
      absl::string_view r = rest;
      if (absl::ConsumePrefix(&r, w) && (r.empty() || r[0] == ' ')) {
        return s.kind;
      }
    }
    // "Objectives 1540 expert participation" and the like: a heading
    // word followed by a short phrase without verbs we could tell apart.
    if (s.kind == SectionKind::kObjectives &&
        absl::StartsWith(s.words, "objective") && CountWords(v) <= 6) {
      return s.kind;
    }
  }
  return std::nullopt;
}

bool StripBullet(std::string& line) {
  static constexpr const char* kBullets[] = {
      "- ", "\u2022 ", "* ", "\u25cf ", "\u25aa ", "\u25a0 ", "\u25e6 ",
      "o ", "\u2022\t", "-\t", "\uf0b7 ", "\uf0a7 ", "\u2022", "\u25aa",
      "\uf0b7"};
  for (const char* b : kBullets) {
    if (absl::StartsWith(line, b)) {
      line = std::string(
          absl::StripAsciiWhitespace(absl::string_view(line).substr(
              std::strlen(b))));
      return true;
    }
  }
  return false;
}

void AppendWrapped(std::string& entry, absl::string_view next) {
  if (entry.size() >= 2 && entry.back() == '-' &&
      absl::ascii_isalpha(entry[entry.size() - 2]) && !next.empty()) {
    // "imple-" + "mentation" is one word; "South-" + "East" keeps its
    // hyphen.
    if (absl::ascii_islower(next[0])) entry.pop_back();
    absl::StrAppend(&entry, next);
    return;
  }
  absl::StrAppend(&entry, entry.empty() ? "" : " ", next);
}

std::string FindEmail(absl::string_view text) {
  auto local = [](char c) {
    return absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '%' ||
           c == '+' || c == '-';
  };
  auto domain = [](char c) {
    return absl::ascii_isalnum(c) || c == '.' || c == '-';
  };
  size_t from = 0;  // nothing before this may be scanned again
  for (size_t at = text.find('@'); at != absl::string_view::npos;
       at = text.find('@', at + 1)) {
    size_t b = at;
    while (b > from && local(text[b - 1])) --b;
    size_t e = at + 1;
    while (e < text.size() && domain(text[e])) ++e;
    from = at + 1;
    absl::string_view d = text.substr(at + 1, e - at - 1);
    while (!d.empty() && (d.back() == '.' || d.back() == '-')) {
      d.remove_suffix(1);
    }
    const size_t dot = d.rfind('.');
    if (b == at || dot == absl::string_view::npos || dot == 0 ||
        d.size() - dot - 1 < 2) {
      continue;
    }
    bool alpha_tld = true;
    for (char c : d.substr(dot + 1)) alpha_tld &= absl::ascii_isalpha(c) != 0;
    if (!alpha_tld) continue;
    absl::string_view l = text.substr(b, at - b);
    while (!l.empty() && l.front() == '.') l.remove_prefix(1);
    if (l.empty()) continue;
    return absl::StrCat(l, "@", d);
  }
  return "";
}

absl::StatusOr<Sections> ReadSections(const std::vector<Line>& lines,
                                      std::vector<LineAccount>& accounts,
                                      absl::string_view field,
                                      const ParseLimits& limits,
                                      Budget& budget) {
  Sections out;
  out.first_heading = lines.size();
  Section* current = nullptr;
  bool gap = false;           // a blank line since the last entry
  bool last_joinable = false;  // the last entry may continue on this line
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!budget.Tick()) return budget.status();
    const Line& line = lines[i];
    LineAccount& account = accounts[i];
    if (account.use != LineUse::kIgnored) continue;  // claimed already
    if (line.text.empty()) {
      account = {line.number, LineUse::kBlank, "", ""};
      gap = true;
      continue;
    }
    if (const auto kind = SectionHeadingOf(line.text); kind.has_value()) {
      if (static_cast<int>(out.sections.size()) >= limits.max_sections) {
        return InvalidField(field, absl::StrCat("has more than ",
                                          limits.max_sections,
                                          " section headings (max_sections)"));
      }
      if (out.sections.empty()) out.first_heading = i;
      out.sections.push_back({*kind, line.text, line.number, {}, {}});
      current = &out.sections.back();
      account = {line.number, LineUse::kSectionHeading,
                 std::string(SectionKindName(*kind)), ""};
      for (const Section& s : out.sections) {
        if (&s != current && s.kind == *kind) {
          out.warnings.push_back(
              {line.number,
               absl::StrCat("a second \"", line.text,
                            "\" heading; its text joins the first")});
          break;
        }
      }
      gap = false;
      last_joinable = false;
      continue;
    }
    if (current == nullptr) continue;  // the header's (header.h)
    std::string entry = absl::StrReplaceAll(line.text, {{"\t", " "}});
    const bool bullet = StripBullet(entry);
    if (entry.empty()) {
      account = {line.number, LineUse::kIgnored, "", "a bullet with no text"};
      continue;
    }
    const bool join = !bullet && last_joinable && !current->entries.empty() &&
                      !EndsSentence(current->entries.back()) &&
                      (!gap || absl::ascii_islower(entry[0]));
    if (join) {
      AppendWrapped(current->entries.back(), entry);
    } else {
      if (static_cast<int>(current->entries.size()) >= limits.max_paragraphs) {
        return InvalidField(field,
                      absl::StrCat("section \"", Utf8Prefix(current->heading, 60),
                                   "\" has more than ", limits.max_paragraphs,
                                   " paragraphs (max_paragraphs)"));
      }
      current->entries.push_back(std::move(entry));
      current->entry_lines.push_back(line.number);
    }
    if (current->entries.back().size() > limits.max_paragraph_bytes) {
      return InvalidField(field,
                    absl::StrCat("a paragraph of section \"",
                                 Utf8Prefix(current->heading, 60),
                                 "\" ending on line ", line.number,
                                 " is longer than ",
                                 limits.max_paragraph_bytes,
                                 " bytes (max_paragraph_bytes)"));
    }
    const std::string target(SectionKindName(current->kind));
    const bool contact =
        absl::StartsWithIgnoreCase(line.text, "contact") &&
        !FindEmail(line.text).empty();
    account = {line.number, contact ? LineUse::kContact : LineUse::kSectionText,
               target,
               join ? "continues the paragraph above"
                    : (bullet ? "a bullet" : "a paragraph")};
    gap = false;
    last_joinable = true;
  }
  return out;
}

}  // namespace outreach::gateway::note
