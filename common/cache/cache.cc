#include "common/cache/cache.h"

namespace outreach {

bool CacheEntryReplaces(const CacheEntry& existing,
                        const CacheEntry& incoming) {
  if (incoming.tombstone) return existing.version < incoming.version;
  if (existing.tombstone) return existing.version <= incoming.version;
  return existing.version < incoming.version;
}

}  // namespace outreach
