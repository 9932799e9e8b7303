#include "common/cache/cache.h"

#include "absl/strings/str_cat.h"

namespace outreach {

bool CacheEntryReplaces(const CacheEntry& existing,
                        const CacheEntry& incoming) {
  if (incoming.tombstone) return existing.version < incoming.version;
  if (existing.tombstone) return existing.version <= incoming.version;
  return existing.version < incoming.version;
}

absl::StatusOr<Cache::Chained> Cache::GetRawChained(
    absl::string_view first_key, absl::string_view prefix,
    absl::string_view suffix) {
  Chained out;
  auto first = GetRaw(first_key);
  if (!first.ok()) return first.status();
  out.first = std::move(*first);
  if (!out.first.has_value()) return out;
  auto second = GetRaw(absl::StrCat(prefix, *out.first, suffix));
  if (!second.ok()) return second.status();
  out.second = std::move(*second);
  return out;
}

}  // namespace outreach
