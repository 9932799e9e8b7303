#ifndef OUTREACH_SERVICES_PARTICIPANTS_REFERENCE_DATA_H_
#define OUTREACH_SERVICES_PARTICIPANTS_REFERENCE_DATA_H_

// The entities the registry ships with, built from files rather than typed
// into code: every ISO 3166-1 country from Debian's iso-codes, OSCE status
// from osce_2013.tsv, UN and EU membership and extra names from
// memberships.tsv and state_aliases.tsv, and the organizations in
// organizations.tsv (all in services/participants/data/).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/geo/iso3166.h"
#include "outreach/participants/v1/participants.pb.h"
#include "services/participants/registry.h"

namespace outreach::participants {

// Bump when the shipped data changes; a store seeded with an older version
// gets the reference entities rewritten at start.
inline constexpr int kReferenceDataVersion = 2;

// INVALID_ARGUMENT naming the file and line when a file is malformed,
// NOT_FOUND when one is missing.
absl::StatusOr<std::vector<v1::Entity>> LoadReferenceEntities(
    const std::string& data_dir, const CountryRegistry& countries);

// The short names that stand for several entities (ambiguous_names.tsv).
absl::StatusOr<std::vector<AmbiguousName>> LoadAmbiguousNames(
    const std::string& data_dir, const CountryRegistry& countries);

}  // namespace outreach::participants

#endif  // OUTREACH_SERVICES_PARTICIPANTS_REFERENCE_DATA_H_
