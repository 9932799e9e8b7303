#include "services/gateway/note_parser.h"

#include <algorithm>
#include <cstring>
#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status/status_util.h"
#include "common/time/calendar_date.h"

namespace outreach::gateway {
namespace {

using outreach::type::v1::Date;

// True for well-formed UTF-8 text with no control characters but tab,
// newline, carriage return and form feed.
bool IsText(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
        return false;
      }
      if (c == 0x7f) return false;
      ++i;
      continue;
    }
    int extra = 0;
    if ((c & 0xe0) == 0xc0 && c >= 0xc2) {
      extra = 1;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
    } else if ((c & 0xf8) == 0xf0 && c <= 0xf4) {
      extra = 3;
    } else {
      return false;
    }
    for (int k = 1; k <= extra; ++k) {
      if (i + k >= s.size()) return false;
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

// Superscript digits used as footnote markers in extracted PDFs.
const std::vector<std::string>& Superscripts() {
  static const auto* const k = new std::vector<std::string>{
      "\u00b9", "\u00b2", "\u00b3", "\u2074", "\u2075",
      "\u2076", "\u2077", "\u2078", "\u2079", "\u2070"};
  return *k;
}

bool StartsWithSuperscript(absl::string_view line) {
  for (const auto& s : Superscripts()) {
    if (absl::StartsWith(line, s)) return true;
  }
  return false;
}

std::string Trim(absl::string_view s) {
  return std::string(absl::StripAsciiWhitespace(s));
}

// Splits on commas that are not inside parentheses.
std::vector<std::string> SplitTopLevel(absl::string_view s, char sep) {
  std::vector<std::string> out;
  int depth = 0;
  std::string cur;
  for (char c : s) {
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) --depth;
    if (c == sep && depth == 0) {
      out.push_back(Trim(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(Trim(cur));
  return out;
}

enum class Section {
  kNone,
  kBackground,
  kObjectives,
  kHighlights,
  kAdditional
};

// A heading line: "Background", "1. Objectives of experts' participation",
// "Objectives for 1540 expert participation", "Highlights", "Additional
// comments".
Section HeadingOf(absl::string_view line) {
  std::string s = absl::AsciiStrToLower(Trim(line));
  absl::string_view v = s;
  // Leading numbering: "1.", "2)", "III.".
  size_t i = 0;
  while (i < v.size() && (absl::ascii_isdigit(v[i]) || v[i] == 'i' ||
                          v[i] == 'v' || v[i] == 'x')) {
    ++i;
  }
  if (i > 0 && i < v.size() && (v[i] == '.' || v[i] == ')')) {
    v.remove_prefix(i + 1);
  }
  v = absl::StripAsciiWhitespace(v);
  if (v.size() > 60) return Section::kNone;
  if (absl::StartsWith(v, "background")) return Section::kBackground;
  if (absl::StartsWith(v, "objective")) return Section::kObjectives;
  if (absl::StartsWith(v, "highlight")) return Section::kHighlights;
  if (absl::StartsWith(v, "additional comment") ||
      absl::StartsWith(v, "other comment")) {
    return Section::kAdditional;
  }
  return Section::kNone;
}

bool StripBullet(std::string& line) {
  for (const char* b : {"- ", "\u2022 ", "\u2013 ", "* ", "\u25cf ", "o "}) {
    if (absl::StartsWith(line, b)) {
      line = Trim(absl::string_view(line).substr(std::strlen(b)));
      return true;
    }
  }
  return false;
}

int MonthNumber(std::string name) {
  static const char* const kMonths[] = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  name = absl::AsciiStrToLower(name);
  if (name == "sept") name = "sep";
  for (int i = 0; i < 12; ++i) {
    const std::string full = kMonths[i];
    if (name == full || name == full.substr(0, 3)) return i + 1;
  }
  return 0;
}

Date MakeDate(int y, int m, int d) {
  Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

// Finds the dates in "5-6 November 2013, Kiev, Ukraine" and its variants;
// returns the text with the dates taken out.
std::string ExtractDates(const std::string& text, Date* start, Date* end) {
  static const std::string kMonth =
      "(January|February|March|April|May|June|July|August|September|October|"
      "November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)";
  const std::string dash = "\\s*(?:-|\u2013|\u2014|to)\\s*";
  struct Pattern {
    std::regex re;
    int kind;
  };
  static const std::vector<Pattern>* const kPatterns = new std::vector<Pattern>{
      // 30 November - 2 December 2013
      {std::regex("(\\d{1,2})\\s+" + kMonth + dash + "(\\d{1,2})\\s+" + kMonth +
                      ",?\\s+(\\d{4})",
                  std::regex::icase),
       1},
      // 5-6 November 2013
      {std::regex(
           "(\\d{1,2})" + dash + "(\\d{1,2})\\s+" + kMonth + ",?\\s+(\\d{4})",
           std::regex::icase),
       2},
      // November 5-6, 2013
      {std::regex(kMonth + "\\s+(\\d{1,2})" + dash + "(\\d{1,2}),?\\s+(\\d{4})",
                  std::regex::icase),
       3},
      // 5 November 2013
      {std::regex("(\\d{1,2})\\s+" + kMonth + ",?\\s+(\\d{4})",
                  std::regex::icase),
       4},
      // November 5, 2013
      {std::regex(kMonth + "\\s+(\\d{1,2}),?\\s+(\\d{4})", std::regex::icase),
       5},
  };
  for (const auto& p : *kPatterns) {
    std::smatch m;
    if (!std::regex_search(text, m, p.re)) continue;
    auto num = [&](int i) {
      int v = 0;
      (void)absl::SimpleAtoi(m[i].str(), &v);
      return v;
    };
    switch (p.kind) {
      case 1:
        *start = MakeDate(num(5), MonthNumber(m[2]), num(1));
        *end = MakeDate(num(5), MonthNumber(m[4]), num(3));
        break;
      case 2:
        *start = MakeDate(num(4), MonthNumber(m[3]), num(1));
        *end = MakeDate(num(4), MonthNumber(m[3]), num(2));
        break;
      case 3:
        *start = MakeDate(num(4), MonthNumber(m[1]), num(2));
        *end = MakeDate(num(4), MonthNumber(m[1]), num(3));
        break;
      case 4:
        *start = *end = MakeDate(num(3), MonthNumber(m[2]), num(1));
        break;
      case 5:
        *start = *end = MakeDate(num(3), MonthNumber(m[1]), num(2));
        break;
    }
    return m.prefix().str() + " " + m.suffix().str();
  }
  return text;
}

// Group labels seen in notes; matched before the generic "Label:" rule so
// that labels with commas of their own stay whole.
const std::vector<std::string>& KnownGroupLabels() {
  static const auto* const k = new std::vector<std::string>{
      "Civil society, private sector and other entities",
      "International and Regional Organizations",
      "International and regional organizations",
      "Intergovernmental Organizations",
      "International organizations",
      "International Organizations",
      "NGOs and Academic Institutions",
      "States-Members of the OSCE",
      "Other States",
      "Industry",
      "States",
      "Other",
  };
  return *k;
}

std::string CleanName(std::string name) {
  name = Trim(name);
  absl::string_view v = name;
  if (absl::ConsumePrefix(&v, "and ")) name = Trim(v);
  while (!name.empty() && (name.back() == '.' || name.back() == ';')) {
    // Keep "U.S." and similar dotted abbreviations.
    if (name.find('.') < name.size() - 1 &&
        name.find(' ') == std::string::npos) {
      break;
    }
    name.pop_back();
  }
  return Trim(name);
}

// Names that contain " and " themselves; a list is never split inside them.
const std::vector<std::string>& NamesWithAnd() {
  static const auto* const k =
      new std::vector<std::string>{"antigua and barbuda",
                                   "bosnia and herzegovina",
                                   "saint kitts and nevis",
                                   "saint vincent and the grenadines",
                                   "sao tome and principe",
                                   "trinidad and tobago",
                                   "turks and caicos",
                                   "wallis and futuna",
                                   "saint pierre and miquelon",
                                   "svalbard and jan mayen",
                                   "heard island and mcdonald",
                                   "south georgia and the south sandwich",
                                   "serbia and montenegro",
                                   "security and co-operation",
                                   "security and cooperation",
                                   "food and agriculture",
                                   "drugs and crime",
                                   "crime and justice",
                                   "peace and disarmament",
                                   "ngos and academic",
                                   "international and regional",
                                   "prohibition and",
                                   "research and"};
  return *k;
}

bool InsideNameWithAnd(const std::string& part, size_t at) {
  const std::string lower = absl::AsciiStrToLower(part);
  for (const auto& name : NamesWithAnd()) {
    for (size_t p = lower.find(name); p != std::string::npos;
         p = lower.find(name, p + 1)) {
      if (at >= p && at < p + name.size()) return true;
    }
  }
  return false;
}

// "A, B, C and D." -> {A, B, C, D}. Only the last item of a list is split
// at " and ", and never inside a name that contains it.
std::vector<std::string> SplitNames(absl::string_view list) {
  std::vector<std::string> out;
  std::vector<std::string> parts = SplitTopLevel(list, ',');
  for (size_t k = 0; k < parts.size(); ++k) {
    const std::string& part = parts[k];
    size_t cut = std::string::npos;
    if (k + 1 == parts.size() && parts.size() > 1) {
      int depth = 0;
      for (size_t i = 0; i + 5 <= part.size(); ++i) {
        if (part[i] == '(') ++depth;
        if (part[i] == ')' && depth > 0) --depth;
        if (depth == 0 && part.compare(i, 5, " and ") == 0 &&
            !InsideNameWithAnd(part, i + 1)) {
          cut = i;
        }
      }
    }
    if (cut != std::string::npos) {
      out.push_back(CleanName(part.substr(0, cut)));
      out.push_back(CleanName(part.substr(cut + 5)));
    } else {
      out.push_back(CleanName(part));
    }
  }
  out.erase(std::remove(out.begin(), out.end(), std::string()), out.end());
  return out;
}

// "States-Members of the OSCE: A, B, C Other: D, E" -> labelled names.
std::vector<ParsedParticipant> ParseParticipants(absl::string_view value) {
  struct Label {
    size_t start;  // where the label text begins
    size_t colon;  // the colon after it
  };
  std::vector<Label> labels;
  const std::string text(value);
  size_t pos = 0;
  while ((pos = text.find(':', pos)) != std::string::npos) {
    size_t start = std::string::npos;
    for (const auto& known : KnownGroupLabels()) {
      if (pos >= known.size() &&
          absl::EqualsIgnoreCase(
              absl::string_view(text).substr(pos - known.size(), known.size()),
              known)) {
        const size_t s = pos - known.size();
        if (s == 0 || text[s - 1] == ' ' || text[s - 1] == ',') {
          start = s;
          break;
        }
      }
    }
    if (start == std::string::npos) {
      // Generic: the label runs back to the previous comma.
      const size_t comma = text.rfind(',', pos);
      start = comma == std::string::npos ? 0 : comma + 1;
      while (start < pos && text[start] == ' ') ++start;
    }
    labels.push_back({start, pos});
    ++pos;
  }
  std::vector<ParsedParticipant> out;
  if (labels.empty()) {
    for (auto& n : SplitNames(text)) out.push_back({n, "", 0});
  } else {
    if (labels[0].start > 0) {
      for (auto& n : SplitNames(text.substr(0, labels[0].start))) {
        out.push_back({n, "", 0});
      }
    }
    for (size_t i = 0; i < labels.size(); ++i) {
      const std::string label =
          Trim(text.substr(labels[i].start, labels[i].colon - labels[i].start));
      const size_t from = labels[i].colon + 1;
      const size_t to =
          i + 1 < labels.size() ? labels[i + 1].start : text.size();
      for (auto& n : SplitNames(text.substr(from, to - from))) {
        out.push_back({n, label, 0});
      }
    }
  }
  for (size_t i = 0; i < out.size(); ++i) out[i].position = static_cast<int>(i);
  return out;
}

std::vector<ParsedOrganizer> ParseOrganizers(absl::string_view value) {
  std::vector<ParsedOrganizer> out;
  std::string text = Trim(value);
  std::string host = text;
  std::string partners;
  std::string supporters;
  for (const char* sep : {" in cooperation with ", " in co-operation with ",
                          " together with ", " jointly with "}) {
    const size_t at = text.find(sep);
    if (at != std::string::npos) {
      host = text.substr(0, at);
      partners = text.substr(at + std::strlen(sep));
      break;
    }
  }
  for (std::string* part : {&host, &partners}) {
    for (const char* sep :
         {" with the support of ", " supported by ", " with support from "}) {
      const size_t at = part->find(sep);
      if (at != std::string::npos) {
        supporters = part->substr(at + std::strlen(sep));
        part->resize(at);
      }
    }
  }
  auto add = [&out](const std::string& list, const char* role) {
    for (auto& n :
         SplitNames(absl::StrReplaceAll(list, {{" and the ", ", the "}}))) {
      out.push_back({n, role});
    }
  };
  if (partners.empty()) {
    add(host, "host");
    // Several organizers without a host named: the first hosts.
    for (size_t i = 1; i < out.size(); ++i) out[i].role = "co_organizer";
  } else {
    out.push_back({CleanName(host), "host"});
    add(partners, "co_organizer");
  }
  add(supporters, "supporter");
  return out;
}

bool IsLabel(const std::string& label,
             std::initializer_list<const char*> names) {
  const std::string l = absl::AsciiStrToLower(Trim(label));
  for (const char* n : names) {
    if (l == n) return true;
  }
  return false;
}

// Sentences of a paragraph, split after ". " when the next word starts
// with a capital letter.
std::vector<std::string> Sentences(const std::string& paragraph) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i + 2 < paragraph.size(); ++i) {
    if (paragraph[i] == '.' && paragraph[i + 1] == ' ' &&
        absl::ascii_isupper(paragraph[i + 2])) {
      out.push_back(Trim(paragraph.substr(start, i + 1 - start)));
      start = i + 2;
    }
  }
  out.push_back(Trim(paragraph.substr(start)));
  return out;
}

std::vector<std::string> AreasOf(const std::string& text) {
  const std::string t = absl::AsciiStrToLower(text);
  std::vector<std::string> areas;
  const std::vector<std::pair<const char*, const char*>> kAreas = {
      {"training", "training"},
      {"equipment", "equipment"},
      {"border", "border security"},
      {"export control", "export control"},
      {"law enforcement", "law enforcement"},
      {"legislat", "legislation"},
      {"national action plan", "national action plan"},
      {"regional co", "regional cooperation"}};
  for (const auto& [needle, area] : kAreas) {
    if (absl::StrContains(t, needle)) areas.push_back(area);
  }
  return areas;
}

// Upper-case the first letter, for outcomes cut out of a sentence.
std::string Capitalize(std::string s) {
  if (!s.empty()) s[0] = absl::ascii_toupper(s[0]);
  return s;
}

void ExtractOutcomes(ParsedNote& note) {
  static const std::regex kAttachment("\\(Attachment\\s+(\\d+)\\)",
                                      std::regex::icase);
  static const std::regex kArea("in the areas? of ([^.]+)", std::regex::icase);
  static const std::regex kConsultations(
      "(bilateral )?consultations with (?:the )?(?:representatives of )?"
      "([A-Z][^.]*?) regarding ([^.]+)",
      std::regex::icase);
  std::vector<std::string> paragraphs = note.highlights;
  paragraphs.insert(paragraphs.end(), note.additional_comments.begin(),
                    note.additional_comments.end());
  for (const auto& paragraph : paragraphs) {
    // Needs are often named in the sentence after the one that mentions
    // them ("… identify some specific needs … For example in the area of
    // training of personnel and …").
    bool needs_context = false;
    for (const auto& sentence : Sentences(paragraph)) {
      const std::string lower = absl::AsciiStrToLower(sentence);
      const bool mentions_needs = absl::StrContains(lower, "need") ||
                                  absl::StrContains(lower, "assistance");
      std::smatch m;
      if (absl::StrContains(lower, "recommendation") &&
          !absl::StrContains(lower, "recommendations have")) {
        ParsedOutcome o;
        o.kind = "recommendation";
        o.text = sentence;
        o.official = !absl::StrContains(lower, "unofficial");
        if (absl::StrContains(lower, "chair's summary") ||
            absl::StrContains(lower, "chair\u2019s summary")) {
          o.source_document = "Chair's summary";
        }
        if (std::regex_search(sentence, m, kAttachment)) {
          (void)absl::SimpleAtoi(m[1].str(), &o.attachment);
        }
        o.areas = AreasOf(sentence);
        note.outcomes.push_back(std::move(o));
      }
      const bool example = absl::StartsWith(lower, "for example") ||
                           absl::StartsWith(lower, "in particular") ||
                           absl::StartsWith(lower, "such as");
      if ((mentions_needs || (needs_context && example)) &&
          std::regex_search(sentence, m, kArea)) {
        for (std::string item :
             SplitNames(absl::StrReplaceAll(m[1].str(), {{" and ", ", "}}))) {
          ParsedOutcome o;
          o.kind = "assistance_need";
          o.text = Capitalize(item);
          o.areas = AreasOf(item);
          note.outcomes.push_back(std::move(o));
        }
      }
      if (std::regex_search(sentence, m, kConsultations)) {
        const std::string purpose = Trim(m[3].str());
        for (const std::string& party :
             SplitNames(absl::StrReplaceAll(m[2].str(), {{" and ", ", "}}))) {
          ParsedOutcome o;
          o.kind = "follow_up";
          o.text = absl::StrCat("Bilateral consultations with ", party,
                                " regarding ", purpose);
          o.addressees.push_back(party);
          note.outcomes.push_back(std::move(o));
        }
      }
      needs_context = mentions_needs;
    }
  }
}

}  // namespace

absl::StatusOr<ParsedNote> ParseInformationNote(absl::string_view text,
                                                absl::string_view field) {
  if (absl::StripAsciiWhitespace(text).empty()) {
    return InvalidField(field,
                        "is empty; expected the text of an information note");
  }
  if (text.size() > kMaxNoteBytes) {
    return InvalidField(field, absl::StrCat("is larger than ", kMaxNoteBytes,
                                            " bytes; a note is a few pages"));
  }
  if (!IsText(text)) {
    return InvalidField(field,
                        "is not UTF-8 text (binary data? extract the text of "
                        "the PDF first)");
  }
  ParsedNote note;
  std::string body =
      absl::StrReplaceAll(text, {{"\r\n", "\n"}, {"\r", "\n"}, {"\f", "\n"}});
  std::vector<std::string> lines = absl::StrSplit(body, '\n');

  // Footnotes: a line that starts with a superscript digit is the footnote
  // text, wherever a page break left it; markers elsewhere are debris.
  std::vector<std::string> kept;
  for (auto& raw : lines) {
    std::string line = Trim(raw);
    if (StartsWithSuperscript(line)) {
      std::string footnote = line;
      for (const auto& s : Superscripts()) {
        footnote = absl::StrReplaceAll(footnote, {{s, ""}});
      }
      footnote = Trim(footnote);
      if (absl::StrContains(absl::AsciiStrToLower(footnote),
                            "for information only")) {
        if (note.disclaimer.empty()) note.disclaimer = footnote;
      }
      note.warnings.push_back(
          absl::StrCat("dropped footnote text found inside the body "
                       "(page-break residue): \"",
                       footnote.substr(0, 80), "\""));
      continue;
    }
    bool had_marker = false;
    for (const auto& s : Superscripts()) {
      if (absl::StrContains(line, s)) {
        line = absl::StrReplaceAll(line, {{s, ""}});
        had_marker = true;
      }
    }
    if (had_marker) {
      note.warnings.push_back(absl::StrCat("removed a footnote marker from \"",
                                           line.substr(0, 60), "\""));
    }
    kept.push_back(line);
  }

  // The header table: "Label<TAB>value" lines before the first section.
  struct Header {
    std::string label;
    std::string value;
  };
  std::vector<Header> headers;
  Section section = Section::kNone;
  std::vector<std::string>* target = nullptr;
  bool last_was_bullet = false;
  for (const std::string& line : kept) {
    if (line.empty()) continue;
    const Section heading = HeadingOf(line);
    if (heading != Section::kNone && line.find('\t') == std::string::npos) {
      section = heading;
      switch (section) {
        case Section::kBackground:
          target = &note.background;
          break;
        case Section::kObjectives:
          target = &note.objectives;
          break;
        case Section::kHighlights:
          target = &note.highlights;
          break;
        case Section::kAdditional:
          target = &note.additional_comments;
          break;
        case Section::kNone:
          target = nullptr;
          break;
      }
      last_was_bullet = false;
      continue;
    }
    if (section == Section::kNone) {
      const size_t tab = line.find('\t');
      if (tab != std::string::npos) {
        headers.push_back(
            {Trim(line.substr(0, tab)), Trim(line.substr(tab + 1))});
      } else if (!headers.empty()) {
        // A header value wrapped onto the next line.
        absl::StrAppend(&headers.back().value, " ", line);
      }
      continue;  // the title line ("Information Note") and the like
    }
    std::string entry = line;
    const bool bullet = StripBullet(entry);
    if (!bullet && last_was_bullet && target != nullptr && !target->empty() &&
        !absl::EndsWith(target->back(), ".") &&
        !absl::EndsWith(target->back(), ":") &&
        !absl::EndsWith(target->back(), ";")) {
      // A bullet wrapped onto the next line.
      absl::StrAppend(&target->back(), " ", entry);
      continue;
    }
    if (target != nullptr && !entry.empty()) target->push_back(entry);
    last_was_bullet = bullet;
  }

  bool has_event = false, has_participants = false;
  for (const auto& h : headers) {
    if (IsLabel(h.label, {"event", "title", "event title"})) {
      note.title = h.value;
      has_event = true;
    } else if (IsLabel(h.label,
                       {"date and venue", "venue and date", "dates and venue",
                        "venue and dates", "date", "dates", "date and place",
                        "place and date"})) {
      note.date_and_venue = h.value;
    } else if (IsLabel(h.label,
                       {"organizers", "organizer", "organisers", "organiser",
                        "organized by", "organised by"})) {
      note.organizers = ParseOrganizers(h.value);
    } else if (IsLabel(h.label, {"participants", "participation"})) {
      note.participants = ParseParticipants(h.value);
      has_participants = true;
    } else if (IsLabel(h.label, {"venue", "place"})) {
      absl::StrAppend(&note.date_and_venue,
                      note.date_and_venue.empty() ? "" : ", ", h.value);
    } else {
      note.warnings.push_back(
          absl::StrCat("ignored header row \"", h.label.substr(0, 40), "\""));
    }
  }
  if (!has_event || !has_participants) {
    return InvalidField(
        field,
        "has no header table: expected tab-separated rows \"Event\", \"Date "
        "and Venue\", \"Organizers\" and \"Participants\" before the first "
        "section");
  }

  if (!note.date_and_venue.empty()) {
    const std::string rest =
        ExtractDates(note.date_and_venue, &note.start_date, &note.end_date);
    if (!IsValidDate(note.start_date)) {
      note.start_date.Clear();
      note.end_date.Clear();
      note.warnings.push_back(absl::StrCat("could not read a date in \"",
                                           note.date_and_venue, "\""));
    }
    std::vector<std::string> parts;
    for (auto& p : SplitTopLevel(rest, ',')) {
      if (!p.empty()) parts.push_back(p);
    }
    if (!parts.empty()) note.country = parts.back();
    if (parts.size() >= 2) note.city = parts[parts.size() - 2];
  }

  static const std::regex kEmail(
      "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
  for (const auto* list : {&note.additional_comments, &note.highlights}) {
    for (const auto& p : *list) {
      std::smatch m;
      if (note.contact_email.empty() && std::regex_search(p, m, kEmail)) {
        note.contact_email = m.str();
      }
    }
  }
  if (note.contact_email.empty()) {
    std::smatch m;
    if (std::regex_search(body, m, kEmail)) note.contact_email = m.str();
  }
  if (note.disclaimer.empty()) {
    note.warnings.push_back("no disclaimer footnote found");
  }
  ExtractOutcomes(note);
  return note;
}

}  // namespace outreach::gateway
