#include "common/security/visibility.h"

#include <algorithm>

namespace outreach {

Visibility ConfidentialReaders::For(absl::string_view role,
                                    bool authenticated) const {
  if (!authenticated) return Visibility::kConfidential;
  return std::find(roles_.begin(), roles_.end(), role) != roles_.end()
             ? Visibility::kConfidential
             : Visibility::kPublic;
}

}  // namespace outreach
