#ifndef OUTREACH_COMMON_RESOURCE_FILTER_H_
#define OUTREACH_COMMON_RESOURCE_FILTER_H_

// The one parser of List filters for every service: the subset of AIP-160
// (https://google.aip.dev/160) that Outreach documents in its protos.
//
//   filter      = restriction { "AND" restriction }
//   restriction = field operator value
//   operator    = "=" | "!=" | "<" | "<=" | ">" | ">=" | ":"
//   field       = word
//   value       = word | string
//   word        = 1*( ALPHA / DIGIT / "_" / "-" / "." / "/" )
//   string      = '"' *( any character but '"' and '\' / '\' any ) '"'
//
// Whitespace separates tokens and is otherwise ignored; "AND" is upper
// case, as AIP-160 has it. OR, NOT, parentheses, functions and traversal
// are not supported and are refused, never misread. The parser runs in
// time linear in the filter's length, which is bounded. Each service then
// says which fields and operators it accepts, and what a value must be
// (Restriction). Every error is INVALID_ARGUMENT with a field violation on
// "filter".

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace outreach {

enum class FilterOp { kEq, kNe, kLt, kLe, kGt, kGe, kHas };

inline constexpr size_t kMaxFilterBytes = 2000;

struct Restriction {
  std::string field;  // as written
  FilterOp op;
  std::string value;  // unquoted, escapes resolved
};

absl::StatusOr<std::vector<Restriction>> ParseFilterRestrictions(
    absl::string_view filter);

// The operator as written ("=", "!=", ...), for messages.
absl::string_view FilterOpText(FilterOp op);

// INVALID_ARGUMENT on "filter" unless `r.op` is one of `allowed`.
absl::Status RequireFilterOps(const Restriction& r,
                              std::initializer_list<FilterOp> allowed);

}  // namespace outreach

#endif  // OUTREACH_COMMON_RESOURCE_FILTER_H_
