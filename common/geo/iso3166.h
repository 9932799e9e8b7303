#ifndef OUTREACH_COMMON_GEO_ISO3166_H_
#define OUTREACH_COMMON_GEO_ISO3166_H_

// ISO 3166-1 countries, read from Debian's iso-codes package
// (/usr/share/iso-codes/json/iso_3166-1.json) rather than typed by hand, so
// updates to the standard arrive with the package. Immutable after load;
// thread-safe.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace outreach {

inline constexpr char kDefaultIso3166Path[] =
    "/usr/share/iso-codes/json/iso_3166-1.json";

struct Country {
  std::string alpha_2;
  std::string alpha_3;
  std::string numeric;
  std::string name;
  std::string official_name;  // empty when the standard gives none
  std::string common_name;    // empty when the standard gives none
};

class CountryRegistry {
 public:
  // Reads the iso-codes JSON file. NOT_FOUND when it is missing,
  // INVALID_ARGUMENT when it does not parse.
  static absl::StatusOr<std::unique_ptr<CountryRegistry>> Load(
      const std::string& path = kDefaultIso3166Path);

  // By alpha-2 code, exact (upper case).
  const Country* FindByAlpha2(absl::string_view code) const;
  const std::vector<Country>& countries() const { return countries_; }

 private:
  std::vector<Country> countries_;
  absl::flat_hash_map<std::string, size_t> by_alpha2_;
};

}  // namespace outreach

#endif  // OUTREACH_COMMON_GEO_ISO3166_H_
