#include "common/status/status_util.h"
#include "services/gateway/note/participants.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/text/utf8.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "services/gateway/note/sections.h"

namespace outreach::gateway::note {
namespace {

// Group labels seen in notes, lower case. A label run on after the previous
// name without a comma is found by these; so are the labels that contain
// commas of their own.
constexpr const char* kKnownGroups[] = {
    "civil society, private sector and other entities",
    "civil society, academia and industry",
    "states-members of the osce",
    "states members of the osce",
    "osce participating states",
    "participating states",
    "osce partners for co-operation",
    "partners for co-operation",
    "partners for cooperation",
    "international and regional organizations",
    "international and regional organisations",
    "intergovernmental organizations",
    "intergovernmental organisations",
    "international organizations",
    "international organisations",
    "regional organizations",
    "regional organisations",
    "non-governmental organizations",
    "ngos and academic institutions",
    "member states",
    "observer states",
    "other states",
    "other participants",
    "united nations",
    "un bodies",
    "organizations",
    "organisations",
    "observers",
    "industry",
    "private sector",
    "academia",
    "civil society",
    "experts",
    "states",
    "others",
    "other",
};

// Names that contain " and "; a list is never split inside them. `at` of
// each is where its " and " starts.
struct AndName {
  const char* text;
  size_t at;
};

const std::vector<AndName>& AndNames() {
  static const auto* const k = [] {
    auto* v = new std::vector<AndName>;
    for (const char* n :
         {"antigua and barbuda", "bosnia and herzegovina",
          "saint kitts and nevis", "st. kitts and nevis",
          "saint vincent and the grenadines", "sao tome and principe",
          "trinidad and tobago", "turks and caicos", "wallis and futuna",
          "saint pierre and miquelon", "svalbard and jan mayen",
          "heard island and mcdonald", "south georgia and the south sandwich",
          "serbia and montenegro", "security and co-operation",
          "security and cooperation", "food and agriculture",
          "drugs and crime", "crime and justice", "peace and disarmament",
          "ngos and academic", "international and regional",
          "latin america and the caribbean", "asia and the pacific",
          "science and technology", "research and development",
          "non-proliferation and disarmament", "arms control and",
          "prohibition and", "research and", "committee and"}) {
      const absl::string_view s = n;
      v->push_back({n, s.find(" and ")});
    }
    return v;
  }();
  return *k;
}

bool InsideAndName(absl::string_view lower, size_t at) {
  for (const AndName& n : AndNames()) {
    const size_t len = std::strlen(n.text);
    if (at < n.at || at - n.at + len > lower.size()) continue;
    if (lower.substr(at - n.at, len) == n.text) return true;
  }
  return false;
}

// The last " and " outside parentheses that is not inside a name; npos
// when none. Looks at the last few candidates only: a list ends "… and X".
size_t LastAndCut(absl::string_view item) {
  std::vector<size_t> cuts;
  int depth = 0;
  for (size_t i = 0; i + 5 <= item.size(); ++i) {
    if (item[i] == '(') ++depth;
    if (item[i] == ')' && depth > 0) --depth;
    if (depth == 0 && item[i] == ' ' && item.compare(i, 5, " and ") == 0) {
      cuts.push_back(i);
    }
  }
  if (cuts.empty()) return absl::string_view::npos;
  const std::string lower = absl::AsciiStrToLower(item);
  int tried = 0;
  for (auto it = cuts.rbegin(); it != cuts.rend() && tried < 8; ++it, ++tried) {
    if (!InsideAndName(lower, *it)) return *it;
  }
  return absl::string_view::npos;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

size_t CountWords(absl::string_view s) {
  size_t n = 0;
  bool in = false;
  for (char c : s) {
    if (!IsBlank(c) && !in) ++n;
    in = !IsBlank(c);
  }
  return n;
}

// The known group label that `seg` ends with, at a word boundary, longest
// first; npos when none. Returns where it starts.
size_t KnownLabelSuffix(absl::string_view seg) {
  const std::string lower = absl::AsciiStrToLower(seg);
  size_t best = absl::string_view::npos;
  size_t best_len = 0;
  for (const char* k : kKnownGroups) {
    const size_t len = std::strlen(k);
    if (len > lower.size() || len <= best_len) continue;
    const size_t at = lower.size() - len;
    if (lower.compare(at, len, k) != 0) continue;
    if (at > 0 && !IsBlank(lower[at - 1])) continue;
    best = at;
    best_len = len;
  }
  return best;
}

bool IsKnownGroup(absl::string_view s) {
  return KnownLabelSuffix(s) == 0;
}

// The parenthesized note at the end of a name, when it is a note ("two
// experts") and not an acronym ("UN ODA", "INTERPOL").
std::string NoteOf(absl::string_view name) {
  if (!absl::EndsWith(name, ")")) return "";
  const size_t open = name.rfind('(');
  if (open == absl::string_view::npos || open == 0) return "";
  const absl::string_view inner = name.substr(open + 1, name.size() - open - 2);
  bool lower = false;
  for (char c : inner) lower |= absl::ascii_islower(c) != 0;
  if (!lower || CountWords(inner) < 2) return "";
  return std::string(absl::StripAsciiWhitespace(inner));
}

// "(in alphabetical order)" and the like, after a label.
std::string CleanLabel(absl::string_view label, bool* dropped) {
  std::string l(absl::StripAsciiWhitespace(label));
  *dropped = false;
  if (absl::EndsWith(l, ")")) {
    const size_t open = l.rfind('(');
    if (open != std::string::npos && open > 0 &&
        absl::StrContains(absl::AsciiStrToLower(l.substr(open)), "alphabetical")) {
      l = std::string(absl::StripAsciiWhitespace(l.substr(0, open)));
      *dropped = true;
    }
  }
  return l;
}

bool EndsWithWord(absl::string_view s, absl::string_view word) {
  if (!absl::EndsWithIgnoreCase(s, word)) return false;
  return s.size() == word.size() || IsBlank(s[s.size() - word.size() - 1]);
}

// Whether a line of a list ends in the middle of a name that the next line
// completes: a hyphen, an open parenthesis, or a word that cannot end one.
bool WantsContinuation(absl::string_view s) {
  if (s.empty()) return false;
  if (s.back() == '-' && s.size() >= 2 && absl::ascii_isalpha(s[s.size() - 2]))
    return true;
  int depth = 0;
  for (char c : s) {
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) --depth;
  }
  if (depth > 0) return true;
  for (const char* w : {"of", "the", "and", "for", "on", "de", "du", "in",
                        "&"}) {
    if (EndsWithWord(s, w)) return true;
  }
  return false;
}

class Reader {
 public:
  Reader(absl::string_view field, const ParseLimits& limits)
      : field_(field), limits_(limits) {}

  absl::Status ReadLine(const std::string& text, int line,
                        const std::vector<int>& source_lines) {
    line_ = line;
    std::string t = text;
    for (char& c : t) {
      if (c == '\t') c = ' ';
    }
    const bool bullet = StripBullet(t);
    const absl::string_view s = absl::StripAsciiWhitespace(t);
    if (s.empty()) return absl::OkStatus();
    groups_on_line_.clear();
    bool only_label = false;
    // A known label alone on its line, with or without its colon.
    absl::string_view bare = s;
    absl::ConsumeSuffix(&bare, ":");
    if (!bullet && IsKnownGroup(absl::StripAsciiWhitespace(bare))) {
      if (absl::Status st = StartGroup(std::string(bare)); !st.ok()) return st;
      only_label = true;
    } else if (absl::Status st = Scan(s); !st.ok()) {
      return st;
    } else {
      only_label = items_on_line_ == 0 && !groups_on_line_.empty();
    }
    items_on_line_ = 0;
    for (int n : source_lines) {
      LineAccount a;
      a.line = n;
      if (only_label) {
        a.use = LineUse::kParticipantGroup;
        a.target = absl::StrCat("participants/", group_);
        a.detail = "a group label";
      } else {
        a.use = LineUse::kParticipants;
        a.target = absl::StrCat(
            "participants/",
            groups_on_line_.empty() ? group_ : absl::StrJoin(groups_on_line_,
                                                             "; "));
        a.detail = n == line ? "names" : "names, continued";
      }
      out_.accounts.push_back(std::move(a));
    }
    return absl::OkStatus();
  }

  ParticipantsReading Take() {
    for (size_t i = 0; i < out_.participants.size(); ++i) {
      out_.participants[i].position = static_cast<int>(i);
    }
    return std::move(out_);
  }
  void EndOfList() {
    if (group_open_ && names_in_group_ == 0) {
      out_.warnings.push_back(
          {group_line_, absl::StrCat("the group \"", group_,
                                     "\" lists no names")});
    }
  }

 private:
  // One pass over the line. Commas and semicolons outside parentheses end
  // a name; a colon ends a group label.
  absl::Status Scan(absl::string_view s) {
    // Known labels that contain commas of their own are found first, so
    // that their commas split nothing.
    const std::string lower = absl::AsciiStrToLower(s);
    std::vector<std::pair<size_t, size_t>> protect;
    for (const char* k : kKnownGroups) {
      if (std::strchr(k, ',') == nullptr) continue;
      for (size_t at = lower.find(k); at != std::string::npos;
           at = lower.find(k, at + 1)) {
        protect.emplace_back(at, at + std::strlen(k));
      }
    }
    std::sort(protect.begin(), protect.end());
    size_t next_protect = 0;

    size_t seg = 0;
    int depth = 0;
    size_t sentence_cut = absl::string_view::npos;
    for (size_t i = 0; i < s.size(); ++i) {
      while (next_protect < protect.size() &&
             protect[next_protect].second <= i) {
        ++next_protect;
      }
      const bool guarded = next_protect < protect.size() &&
                           protect[next_protect].first <= i;
      const char c = s[i];
      if (c == '(') {
        ++depth;
        continue;
      }
      if (c == ')') {
        if (depth > 0) --depth;
        continue;
      }
      if (depth > 0 || guarded) continue;
      if (c == ',' || c == ';') {
        if (absl::Status st = Emit(s.substr(seg, i - seg)); !st.ok()) {
          return st;
        }
        if (c == ';') EndRun();
        seg = i + 1;
        sentence_cut = absl::string_view::npos;
      } else if (c == '.' && i + 1 < s.size() && s[i + 1] == ' ') {
        sentence_cut = i;
      } else if (c == ':') {
        absl::string_view candidate =
            absl::StripAsciiWhitespace(s.substr(seg, i - seg));
        if (!LabelLike(candidate)) continue;
        // Where the label starts: after a full stop, or where a known
        // label begins, or at the segment's start.
        size_t label_at = 0;
        absl::string_view before;
        if (sentence_cut != absl::string_view::npos && sentence_cut >= seg) {
          const absl::string_view all = s.substr(seg, i - seg);
          before = all.substr(0, sentence_cut - seg + 1);
          candidate = absl::StripAsciiWhitespace(
              all.substr(sentence_cut - seg + 1));
        } else if (run_ > 0 &&
                   (label_at = KnownLabelSuffix(candidate)) != 0 &&
                   label_at != absl::string_view::npos) {
          // "…, United States Other:": the label ran on after a name.
          before = candidate.substr(0, label_at);
          candidate = candidate.substr(label_at);
        }
        if (absl::Status st = Emit(before); !st.ok()) return st;
        EndRun();
        if (absl::Status st = StartGroup(std::string(candidate)); !st.ok()) {
          return st;
        }
        seg = i + 1;
        sentence_cut = absl::string_view::npos;
      }
    }
    if (absl::Status st = Emit(s.substr(seg)); !st.ok()) return st;
    EndRun();
    return absl::OkStatus();
  }

  static bool LabelLike(absl::string_view s) {
    if (s.empty() || s.size() > 100 || CountWords(s) > 12) return false;
    if (!absl::ascii_isalpha(s[0])) return false;
    return s.find('@') == absl::string_view::npos;
  }

  absl::Status StartGroup(std::string label) {
    EndOfList();
    bool dropped = false;
    label = CleanLabel(label, &dropped);
    if (dropped) {
      out_.warnings.push_back(
          {line_, absl::StrCat("dropped \"(in alphabetical order)\" from the "
                               "group label \"",
                               label, "\"")});
    }
    if (++groups_ > limits_.max_groups) {
      return InvalidField(field_, absl::StrCat("participants: more than ",
                                         limits_.max_groups,
                                         " groups (max_groups), at line ",
                                         line_));
    }
    group_ = std::move(label);
    group_line_ = line_;
    group_open_ = true;
    names_in_group_ = 0;
    groups_on_line_.push_back(group_);
    return absl::OkStatus();
  }

  // Adds the name in `raw` (if any) to the current group.
  absl::Status Emit(absl::string_view raw) {
    std::string name = CleanName(raw);
    if (name.empty()) return absl::OkStatus();
    if (name.size() > limits_.max_name_bytes) {
      return InvalidField(field_,
                    absl::StrCat("participants: a name on line ", line_,
                                 " is ", name.size(),
                                 " bytes, over the limit of ",
                                 limits_.max_name_bytes,
                                 " (max_name_bytes)"));
    }
    if (++names_in_group_ > limits_.max_names_per_group) {
      return InvalidField(field_,
                    absl::StrCat("participants: the group \"",
                                 Utf8Prefix(group_, 60), "\" has more than ",
                                 limits_.max_names_per_group,
                                 " names (max_names_per_group)"));
    }
    if (static_cast<int>(out_.participants.size()) >= limits_.max_names) {
      return InvalidField(field_, absl::StrCat("participants: more than ",
                                         limits_.max_names,
                                         " names in all (max_names)"));
    }
    Participant p;
    p.note = NoteOf(name);
    p.printed_name = std::move(name);
    p.printed_group = group_;
    p.line = line_;
    out_.participants.push_back(std::move(p));
    ++items_on_line_;
    ++run_;
    return absl::OkStatus();
  }

  // A list ends (at a label, a ';' or the line's end). A list of several
  // names ends "… and X": its last is split. A list of one name may be
  // two ("Organization of American States (OAS) and INTERPOL") or one
  // ("Ministry of Trade and Industry"): the parser cannot tell, so it
  // offers the parts and the gateway splits only when each part names an
  // entity and the whole does not.
  void EndRun() {
    if (run_ >= 2) {
      SplitLastAnd();
    } else if (run_ == 1) {
      Participant& only = out_.participants.back();
      const size_t cut = LastAndCut(only.printed_name);
      if (cut != absl::string_view::npos) {
        std::string left = CleanName(only.printed_name.substr(0, cut));
        std::string right = CleanName(only.printed_name.substr(cut + 5));
        if (!left.empty() && !right.empty()) {
          only.and_parts = {std::move(left), std::move(right)};
        }
      }
    }
    run_ = 0;
  }

  // A comma list ends with "… and X": split its last name.
  void SplitLastAnd() {
    if (out_.participants.empty()) return;
    Participant& last = out_.participants.back();
    const size_t cut = LastAndCut(last.printed_name);
    if (cut == absl::string_view::npos) return;
    std::string left = CleanName(last.printed_name.substr(0, cut));
    std::string right = CleanName(last.printed_name.substr(cut + 5));
    if (left.empty() || right.empty()) return;
    Participant second = last;
    last.printed_name = std::move(left);
    last.note = NoteOf(last.printed_name);
    second.printed_name = std::move(right);
    second.note = NoteOf(second.printed_name);
    out_.participants.push_back(std::move(second));
    ++names_in_group_;
  }

  const absl::string_view field_;
  const ParseLimits& limits_;
  ParticipantsReading out_;
  std::string group_;
  int group_line_ = 0;
  bool group_open_ = false;
  int groups_ = 0;
  int names_in_group_ = 0;
  int items_on_line_ = 0;
  int run_ = 0;  // names in the list being read
  int line_ = 0;
  std::vector<std::string> groups_on_line_;
};

}  // namespace

std::string CleanName(absl::string_view name) {
  absl::string_view v = absl::StripAsciiWhitespace(name);
  if (absl::ConsumePrefix(&v, "and ")) v = absl::StripLeadingAsciiWhitespace(v);
  while (!v.empty() && (v.back() == '.' || v.back() == ';' || v.back() == ',')) {
    // Keep "U.S." and similar dotted abbreviations.
    if (v.back() == '.' && v.find('.') < v.size() - 1 &&
        v.find(' ') == absl::string_view::npos) {
      break;
    }
    v.remove_suffix(1);
    v = absl::StripTrailingAsciiWhitespace(v);
  }
  return std::string(absl::StripAsciiWhitespace(v));
}

std::vector<std::string> SplitNames(absl::string_view list) {
  std::vector<std::string> out;
  int depth = 0;
  size_t seg = 0;
  for (size_t i = 0; i <= list.size(); ++i) {
    const char c = i < list.size() ? list[i] : ',';
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) --depth;
    if ((c == ',' && depth == 0) || i == list.size()) {
      std::string name = CleanName(list.substr(seg, i - seg));
      if (!name.empty()) out.push_back(std::move(name));
      seg = i + 1;
    }
  }
  if (out.size() > 1) {
    const size_t cut = LastAndCut(out.back());
    if (cut != absl::string_view::npos) {
      std::string left = CleanName(out.back().substr(0, cut));
      std::string right = CleanName(out.back().substr(cut + 5));
      if (!left.empty() && !right.empty()) {
        out.back() = std::move(left);
        out.push_back(std::move(right));
      }
    }
  }
  return out;
}

absl::StatusOr<ParticipantsReading> ReadParticipants(
    const std::vector<Line>& value, absl::string_view field,
    const ParseLimits& limits, Budget& budget) {
  Reader reader(field, limits);
  // Lines that end inside a name are joined to the next before reading.
  std::string logical;
  int first = 0;
  std::vector<int> sources;
  auto flush = [&]() -> absl::Status {
    if (sources.empty()) return absl::OkStatus();
    absl::Status st = reader.ReadLine(logical, first, sources);
    logical.clear();
    sources.clear();
    return st;
  };
  for (const Line& l : value) {
    if (!budget.Tick()) return budget.status();
    std::string text = l.text;
    const bool bullet = StripBullet(text);
    if (!sources.empty() && !bullet && WantsContinuation(logical)) {
      AppendWrapped(logical, l.text);
      sources.push_back(l.number);
      continue;
    }
    if (absl::Status st = flush(); !st.ok()) return st;
    logical = l.text;
    first = l.number;
    sources.push_back(l.number);
  }
  if (absl::Status st = flush(); !st.ok()) return st;
  reader.EndOfList();
  return reader.Take();
}

}  // namespace outreach::gateway::note
