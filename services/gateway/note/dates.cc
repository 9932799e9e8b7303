#include "services/gateway/note/dates.h"

#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/time/calendar_date.h"

namespace outreach::gateway::note {
namespace {

using outreach::type::v1::Date;

enum class Tok { kNumber, kMonth, kRange, kWord };

struct Token {
  Tok kind;
  int value = 0;  // the number, or the month 1-12
  int digits = 0;
  size_t begin = 0;
  size_t end = 0;
};

// Words that join the two ends of a range.
bool IsRangeWord(absl::string_view w) {
  static constexpr const char* kWords[] = {"to",    "and",     "until",
                                           "till",  "through", "thru",
                                           "until", "-"};
  for (const char* k : kWords) {
    if (absl::EqualsIgnoreCase(w, k)) return true;
  }
  return false;
}

std::vector<Token> Tokenize(absl::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (absl::ascii_isdigit(c)) {
      size_t j = i;
      while (j < s.size() && absl::ascii_isdigit(s[j])) ++j;
      Token t{Tok::kNumber, 0, static_cast<int>(j - i), i, j};
      if (t.digits <= 4) (void)absl::SimpleAtoi(s.substr(i, j - i), &t.value);
      // An ordinal: "5th", "1st", "22nd", "3rd".
      if (j + 2 <= s.size()) {
        const std::string suffix = absl::AsciiStrToLower(s.substr(j, 2));
        if ((suffix == "st" || suffix == "nd" || suffix == "rd" ||
             suffix == "th") &&
            (j + 2 == s.size() || !absl::ascii_isalpha(s[j + 2]))) {
          j += 2;
        }
      }
      t.end = j;
      if (t.digits > 4) t.kind = Tok::kWord;
      out.push_back(t);
      i = j;
    } else if (absl::ascii_isalpha(c)) {
      size_t j = i;
      while (j < s.size() && absl::ascii_isalpha(s[j])) ++j;
      const absl::string_view w = s.substr(i, j - i);
      size_t end = j;
      if (const int m = MonthNumber(w); m > 0) {
        if (end < s.size() && s[end] == '.') ++end;  // "Nov."
        out.push_back({Tok::kMonth, m, 0, i, end});
      } else {
        out.push_back({IsRangeWord(w) ? Tok::kRange : Tok::kWord, 0, 0, i, j});
      }
      i = end;
    } else if (c == '-' || c == '&') {
      out.push_back({Tok::kRange, 0, 0, i, i + 1});
      ++i;
    } else if (c == ',' || c == ' ' || c == '\t') {
      ++i;  // commas are optional in every shape: "November 5, 2013"
    } else {
      // Punctuation, or a byte of a non-ASCII character: breaks a shape.
      out.push_back({Tok::kWord, 0, 0, i, i + 1});
      ++i;
    }
  }
  return out;
}

bool IsDay(const Token& t) {
  return t.kind == Tok::kNumber && t.digits <= 2 && t.value >= 1 &&
         t.value <= 31;
}
bool IsYear(const Token& t) {
  return t.kind == Tok::kNumber && t.digits == 4 && t.value >= 1900 &&
         t.value <= 2200;
}
bool IsMonth(const Token& t) { return t.kind == Tok::kMonth; }
bool IsRange(const Token& t) { return t.kind == Tok::kRange; }

Date MakeDate(int y, int m, int d) {
  Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

// A shape: a sequence of token tests, and how to build the range from the
// matched tokens.
struct Shape {
  std::vector<bool (*)(const Token&)> tests;
  // Indices into the match: start day, start month, start year, end day,
  // end month, end year.
  int sd, sm, sy, ed, em, ey;
};

const std::vector<Shape>& Shapes() {
  static const auto* const k = new std::vector<Shape>{
      // 30 December 2016 - 3 January 2017
      {{IsDay, IsMonth, IsYear, IsRange, IsDay, IsMonth, IsYear},
       0, 1, 2, 4, 5, 6},
      // 28 September - 1 October 2016
      {{IsDay, IsMonth, IsRange, IsDay, IsMonth, IsYear}, 0, 1, 5, 3, 4, 5},
      // 5-6 November 2013, 17 to 19 March 2014, 5 and 6 May 2014
      {{IsDay, IsRange, IsDay, IsMonth, IsYear}, 0, 3, 4, 2, 3, 4},
      // 12 March 2015
      {{IsDay, IsMonth, IsYear}, 0, 1, 2, 0, 1, 2},
      // December 30, 2016 - January 3, 2017
      {{IsMonth, IsDay, IsYear, IsRange, IsMonth, IsDay, IsYear},
       1, 0, 2, 5, 4, 6},
      // September 28 - October 1, 2016
      {{IsMonth, IsDay, IsRange, IsMonth, IsDay, IsYear}, 1, 0, 5, 4, 3, 5},
      // November 5-6, 2013
      {{IsMonth, IsDay, IsRange, IsDay, IsYear}, 1, 0, 4, 3, 0, 4},
      // November 5, 2013
      {{IsMonth, IsDay, IsYear}, 1, 0, 2, 1, 0, 2},
  };
  return *k;
}

}  // namespace

int MonthNumber(absl::string_view word) {
  static constexpr const char* kMonths[] = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  if (word.size() < 3) return 0;
  const std::string w = absl::AsciiStrToLower(word);
  for (int i = 0; i < 12; ++i) {
    const absl::string_view full = kMonths[i];
    if (w == full || w == full.substr(0, 3)) return i + 1;
  }
  if (w == "sept") return 9;
  return 0;
}

DateReading ReadDates(absl::string_view text) {
  DateReading out;
  const std::vector<Token> tokens = Tokenize(text);
  for (size_t i = 0; i < tokens.size(); ++i) {
    for (const Shape& shape : Shapes()) {
      const size_t n = shape.tests.size();
      if (i + n > tokens.size()) continue;
      bool ok = true;
      for (size_t k = 0; k < n && ok; ++k) ok = shape.tests[k](tokens[i + k]);
      if (!ok) continue;
      const auto v = [&](int k) { return tokens[i + k].value; };
      DateRange r;
      r.start = MakeDate(v(shape.sy), v(shape.sm), v(shape.sd));
      r.end = MakeDate(v(shape.ey), v(shape.em), v(shape.ed));
      r.begin = tokens[i].begin;
      r.end_offset = tokens[i + n - 1].end;
      const std::string printed(text.substr(r.begin, r.end_offset - r.begin));
      if (!IsValidDate(r.start) || !IsValidDate(r.end)) {
        out.problem = absl::StrCat("\"", printed, "\" is not a calendar date");
        return out;
      }
      if (std::make_tuple(r.end.year(), r.end.month(), r.end.day()) <
          std::make_tuple(r.start.year(), r.start.month(), r.start.day())) {
        out.problem =
            absl::StrCat("\"", printed, "\" ends before it starts");
        return out;
      }
      out.range = r;
      return out;
    }
  }
  out.problem = "no date found";
  return out;
}

}  // namespace outreach::gateway::note
