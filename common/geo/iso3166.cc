#include "common/geo/iso3166.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace outreach {

absl::StatusOr<std::unique_ptr<CountryRegistry>> CountryRegistry::Load(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read ISO 3166 data at ", path,
                     " (install Debian's iso-codes package)"));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const auto json = nlohmann::json::parse(buffer.str(), nullptr,
                                          /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.contains("3166-1") ||
      !json["3166-1"].is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is not iso-codes' iso_3166-1.json"));
  }
  auto registry = std::unique_ptr<CountryRegistry>(new CountryRegistry());
  for (const auto& item : json["3166-1"]) {
    Country c;
    c.alpha_2 = item.value("alpha_2", "");
    c.alpha_3 = item.value("alpha_3", "");
    c.numeric = item.value("numeric", "");
    c.name = item.value("name", "");
    c.official_name = item.value("official_name", "");
    c.common_name = item.value("common_name", "");
    if (c.alpha_2.size() != 2) continue;
    registry->by_alpha2_[c.alpha_2] = registry->countries_.size();
    registry->countries_.push_back(std::move(c));
  }
  if (registry->countries_.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " lists no countries"));
  }
  return registry;
}

const Country* CountryRegistry::FindByAlpha2(absl::string_view code) const {
  auto it = by_alpha2_.find(code);
  return it == by_alpha2_.end() ? nullptr : &countries_[it->second];
}

}  // namespace outreach
