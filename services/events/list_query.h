#ifndef OUTREACH_SERVICES_EVENTS_LIST_QUERY_H_
#define OUTREACH_SERVICES_EVENTS_LIST_QUERY_H_

// ListEvents' query language: the `filter` (an AIP-160 subset documented in
// events.proto), `order_by`, and opaque page tokens. Parsing is separate
// from the store so both stores share it and it is tested on its own.
//
// Pages are keyset pages: a token holds the sort value and id of the last
// event returned, so events inserted between pages never shift the pages
// that follow. A token is bound to its filter and order by a fingerprint.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/resource/filter.h"

namespace outreach::events {

enum class FilterField {
  kKind,
  kStatus,
  kCountry,
  kStartDate,
  kEndDate,
  kTopic,
  kSeries,
  kParentEvent,
  kImportState,
  kText,
};

// The operators of the one filter parser (common/resource/filter.h).
using FilterOp = ::outreach::FilterOp;

struct FilterTerm {
  FilterField field;
  FilterOp op;
  // Normalized value: enum number for kind and status, "YYYY-MM-DD" for
  // dates, lower case for topic and text, as given otherwise.
  std::string value;
  int64_t number = 0;
};

enum class OrderField {
  kStartDate,
  kEndDate,
  kTitle,
  kCreateTime,
  kUpdateTime
};

struct OrderBy {
  OrderField field = OrderField::kStartDate;
  bool descending = true;
};

// Where the previous page ended.
struct Cursor {
  std::string sort_value;
  std::string id;
};

struct ListQuery {
  std::vector<FilterTerm> terms;
  OrderBy order;
  int page_size = 50;
  std::optional<Cursor> after;
};

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;
inline constexpr size_t kMaxFilterLength = kMaxFilterBytes;

// INVALID_ARGUMENT with a field violation on "filter" when malformed.
absl::StatusOr<std::vector<FilterTerm>> ParseFilter(absl::string_view filter);
// INVALID_ARGUMENT with a field violation on "order_by" when malformed.
absl::StatusOr<OrderBy> ParseOrderBy(absl::string_view order_by);

// Binds a token to the request that produced it.
uint64_t QueryFingerprint(absl::string_view filter, absl::string_view order_by);
std::string EncodePageToken(uint64_t fingerprint, const Cursor& cursor);
// INVALID_ARGUMENT on "page_token" when malformed or made for another query.
absl::StatusOr<Cursor> DecodePageToken(absl::string_view token,
                                       uint64_t fingerprint);

// Parses a whole ListEvents request.
absl::StatusOr<ListQuery> BuildListQuery(int page_size,
                                         absl::string_view page_token,
                                         absl::string_view filter,
                                         absl::string_view order_by);

}  // namespace outreach::events

#endif  // OUTREACH_SERVICES_EVENTS_LIST_QUERY_H_
