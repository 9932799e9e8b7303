#ifndef OUTREACH_SERVICES_PARTICIPANTS_NAME_NORMALIZER_H_
#define OUTREACH_SERVICES_PARTICIPANTS_NAME_NORMALIZER_H_

// Turns a name as printed into the keys it is looked up by. Names in notes
// differ from registry names in case, punctuation, accents ("Türkiye",
// "Cote d'Ivoire"), a leading article ("the Republic of Korea"), an acronym
// in parentheses ("... Organisation (INTERPOL)"), and notes in parentheses
// ("1540 Committee (two 1540 Committee experts)").
//
// Transliteration uses ICU ("Any-Latin; Latin-ASCII"), not a hand table.
// Thread-safe.

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"

namespace outreach::participants {

struct ParsedName {
  // The name without parenthesized parts, normalized ("republic of korea").
  std::string key;
  // Acronym-like parenthesized parts ("INTERPOL"), normalized.
  std::vector<std::string> acronyms;
  // Other parenthesized text, as printed ("two 1540 Committee experts").
  std::string note;
};

namespace internal {
// ICU's "Any-Latin; Latin-ASCII" of `text`, always run. NormalizeName
// skips it for printable ASCII, which it leaves unchanged; the tests check
// that claim against this.
std::string TransliterateToAscii(absl::string_view text);
}  // namespace internal

// Lower-case ASCII words separated by single spaces: accents transliterated,
// punctuation dropped, "&" read as "and", a leading "the" removed.
std::string NormalizeName(absl::string_view name);

// True when a parenthesized part only qualifies the name before it ("Rep.",
// "Islamic Republic of", "Democratic People's Republic of"): it tells two
// entities apart, so it is kept in the key, never dropped as a note.
bool IsQualifier(absl::string_view inner);

// Splits parenthesized parts off a printed name and normalizes each piece;
// qualifiers stay in the key.
ParsedName ParseName(absl::string_view printed);

// 0..1 similarity of two normalized keys: the better of a character edit
// ratio and a word overlap, so that both typos and reordered words score.
double Similarity(absl::string_view a, absl::string_view b);

// Similarity of one query against many keys, with the query's words split
// once. Scores below `floor` may be reported lower than they are: the
// bounds that prove a key cannot reach `floor` skip the work, which keeps
// a long name linear in the number of keys.
class NameMatcher {
 public:
  explicit NameMatcher(absl::string_view query);
  // words_ views query_: not copyable.
  NameMatcher(const NameMatcher&) = delete;
  NameMatcher& operator=(const NameMatcher&) = delete;
  double Score(absl::string_view key, double floor = 0) const;

 private:
  std::string query_;
  absl::flat_hash_set<absl::string_view> words_;  // views into query_
};

}  // namespace outreach::participants

#endif  // OUTREACH_SERVICES_PARTICIPANTS_NAME_NORMALIZER_H_
