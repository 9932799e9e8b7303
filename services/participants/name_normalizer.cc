#include "services/participants/name_normalizer.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <memory>

#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace outreach::participants {
namespace {

// ICU transliterators are not safe to share between threads; each thread
// clones the prototype once.
icu::Transliterator* ThreadTransliterator() {
  static icu::Transliterator* const prototype = [] {
    UErrorCode status = U_ZERO_ERROR;
    icu::Transliterator* t = icu::Transliterator::createInstance(
        "Any-Latin; Latin-ASCII", UTRANS_FORWARD, status);
    return U_SUCCESS(status) ? t : nullptr;
  }();
  thread_local std::unique_ptr<icu::Transliterator> local(
      prototype ? prototype->clone() : nullptr);
  return local.get();
}

bool IsPrintableAscii(absl::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c >= 0x20 && c < 0x7f; });
}

// Most printed names are already printable ASCII, which the transliterator
// leaves as it is (NameNormalizerTest.PrintableAsciiSkipsIcuUnchanged checks
// every such character): they skip it. ICU's rule matching was most of
// the cost of resolving a name, about 5 µs of 6 (tools/bench/findings.md).
std::string ToAscii(absl::string_view text) {
  if (IsPrintableAscii(text)) return std::string(text);
  return internal::TransliterateToAscii(text);
}

bool LooksLikeAcronym(absl::string_view s) {
  s = absl::StripAsciiWhitespace(s);
  if (s.empty() || s.size() > 12) return false;
  int upper = 0;
  for (char c : s) {
    if (absl::ascii_isupper(c))
      ++upper;
    else if (!(absl::ascii_isdigit(c) || c == '-' || c == ' ' || c == '.' ||
               absl::ascii_islower(c))) {
      return false;
    }
  }
  return upper >= 2 && s.find(' ') == absl::string_view::npos;
}

// The edit distance of `a` and `b` when it is at most `limit`; otherwise
// some value above `limit`. A row's minimum never falls in the rows after
// it, so once a row's minimum passes `limit` the rest is skipped: an
// unresolved name is compared with every key of the registry, and most keys
// are far from it (an unresolved name cost 244 µs before, docs/performance.md).
size_t EditDistance(absl::string_view a, absl::string_view b, size_t limit) {
  const size_t gap =
      a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (gap > limit) return limit + 1;
  // Kept per thread: a call compares one name with hundreds of keys.
  thread_local std::vector<size_t> prev, cur;
  prev.resize(b.size() + 1);
  cur.resize(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    size_t row_min = cur[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1,
                         prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

namespace internal {

std::string TransliterateToAscii(absl::string_view text) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  if (auto* t = ThreadTransliterator()) t->transliterate(u);
  std::string out;
  u.toUTF8String(out);
  return out;
}

}  // namespace internal

std::string NormalizeName(absl::string_view name) {
  std::string ascii = ToAscii(name);
  std::string out;
  bool space = false;
  for (char c : ascii) {
    if (absl::ascii_isalnum(c)) {
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out.push_back(absl::ascii_tolower(c));
    } else if (c == '&') {
      if (!out.empty()) out.push_back(' ');
      out += "and";
      space = true;
    } else if (c == '\'') {
      // "d'Ivoire" -> "divoire" would hide the word; keep it separate.
      space = true;
    } else {
      space = true;
    }
  }
  absl::string_view view = out;
  if (absl::ConsumePrefix(&view, "the ")) return std::string(view);
  return out;
}

bool IsQualifier(absl::string_view inner) {
  static const auto* const kWords = new absl::flat_hash_set<std::string>{
      "rep",     "republic",      "dem",        "democratic", "people",
      "peoples", "pdr",           "of",         "the",        "state",
      "states",  "plurinational", "bolivarian", "islamic",    "federated",
      "kingdom", "north",         "south",      "former",     "federal",
      "united",  "arab",          "socialist",  "union",      "dpr",
      "rok",     "and",           "s"};
  const std::string key = NormalizeName(inner);
  if (key.empty()) return false;
  for (absl::string_view w : absl::StrSplit(key, ' ')) {
    if (!kWords->contains(std::string(w))) return false;
  }
  return true;
}

ParsedName ParseName(absl::string_view printed) {
  ParsedName parsed;
  std::string outside;
  std::vector<std::string> notes;
  size_t i = 0;
  while (i < printed.size()) {
    const size_t open = printed.find('(', i);
    if (open == absl::string_view::npos) {
      absl::StrAppend(&outside, printed.substr(i));
      break;
    }
    absl::StrAppend(&outside, printed.substr(i, open - i));
    size_t close = printed.find(')', open);
    if (close == absl::string_view::npos) close = printed.size();
    const absl::string_view inner = printed.substr(open + 1, close - open - 1);
    // An acronym names the whole only at the end: in "Organization of
    // American States (OAS) and INTERPOL" it names a part, and matching
    // it would be a silent guess.
    const bool last =
        close + 1 >= printed.size() ||
        absl::StripAsciiWhitespace(printed.substr(close + 1)).empty();
    if (IsQualifier(inner)) {
      // "Korea (Rep.)", "Iran (Islamic Republic of)": part of the name; it
      // tells two entities apart, so it stays in the key.
      absl::StrAppend(&outside, " ", inner);
    } else if (LooksLikeAcronym(inner)) {
      if (last) parsed.acronyms.push_back(NormalizeName(inner));
    } else if (!absl::StripAsciiWhitespace(inner).empty()) {
      notes.emplace_back(absl::StripAsciiWhitespace(inner));
    }
    i = close + 1;
  }
  parsed.key = NormalizeName(outside);
  parsed.note = absl::StrJoin(notes, "; ");
  return parsed;
}

NameMatcher::NameMatcher(absl::string_view query) : query_(query) {
  for (absl::string_view w : absl::StrSplit(query_, ' ')) words_.insert(w);
}

double NameMatcher::Score(absl::string_view key, double floor) const {
  const absl::string_view a = query_;
  const absl::string_view b = key;
  if (a.empty() || b.empty()) return 0;
  if (a == b) return 1;
  const size_t longest = std::max(a.size(), b.size());
  const size_t shortest = std::min(a.size(), b.size());
  double best = 0;
  // The edit ratio is at most shortest / longest (every extra character is
  // an edit): a pair that cannot reach `floor` costs no edit distance, so
  // a long hostile name is not compared character by character with every
  // key.
  if (static_cast<double>(shortest) / static_cast<double>(longest) >= floor) {
    // Edits beyond (1 - floor) * longest score under `floor`: not counted.
    const size_t limit =
        floor <= 0 ? longest
                   : static_cast<size_t>(
                         (1.0 - floor) * static_cast<double>(longest) + 1e-9);
    const size_t d = EditDistance(a, b, limit);
    if (d <= limit) {
      best = 1.0 - static_cast<double>(d) / static_cast<double>(longest);
    }
  }
  // Word overlap (Jaccard) is at most the smaller set over the larger. A
  // key has a few words: a small vector, not a hash set per key.
  absl::InlinedVector<absl::string_view, 8> kw;
  for (absl::string_view w : absl::StrSplit(b, ' ')) {
    if (std::find(kw.begin(), kw.end(), w) == kw.end()) kw.push_back(w);
  }
  const size_t small = std::min(kw.size(), words_.size());
  const size_t large = std::max(kw.size(), words_.size());
  if (static_cast<double>(small) / static_cast<double>(large) >= floor) {
    size_t common = 0;
    for (auto w : kw) common += words_.contains(w);
    best = std::max(
        best, static_cast<double>(common) /
                  static_cast<double>(kw.size() + words_.size() - common));
  }
  // Exact equality alone scores 1.
  return std::min(0.99, best);
}

double Similarity(absl::string_view a, absl::string_view b) {
  return NameMatcher(a).Score(b);
}

}  // namespace outreach::participants
