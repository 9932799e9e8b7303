#include "services/events/list_query.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/resource/filter.h"
#include "common/resource/resource_ids.h"
#include "common/status/status_util.h"
#include "outreach/events/v1/events.pb.h"
#include "services/events/event_validation.h"

namespace outreach::events {
namespace {

using outreach::events::v1::EventKind;
using outreach::events::v1::EventKind_Parse;
using outreach::events::v1::EventStatus;
using outreach::events::v1::EventStatus_Parse;

absl::Status FilterError(absl::string_view why) {
  return InvalidField("filter", why);
}

absl::Status MakeTerm(const std::string& field_name, FilterOp op,
                      const std::string& value, FilterTerm* term) {
  term->op = op;
  auto require_ops = [&](std::initializer_list<FilterOp> allowed) {
    for (FilterOp a : allowed) {
      if (a == op) return absl::OkStatus();
    }
    return FilterError(
        absl::StrCat("does not support that operator on '", field_name, "'"));
  };
  const std::string name = absl::AsciiStrToLower(field_name);
  if (name == "kind") {
    term->field = FilterField::kKind;
    if (auto s = require_ops({FilterOp::kEq, FilterOp::kNe}); !s.ok()) return s;
    EventKind kind;
    if (!ParseEnumName<EventKind>("EVENT_KIND_", value, &v1::EventKind_Parse,
                                  &kind)) {
      return FilterError(absl::StrCat("'", value, "' is not an event kind"));
    }
    term->number = kind;
  } else if (name == "status") {
    term->field = FilterField::kStatus;
    if (auto s = require_ops({FilterOp::kEq, FilterOp::kNe}); !s.ok()) return s;
    EventStatus status;
    if (!ParseEnumName<EventStatus>("EVENT_STATUS_", value,
                                    &v1::EventStatus_Parse, &status)) {
      return FilterError(absl::StrCat("'", value, "' is not an event status"));
    }
    term->number = status;
  } else if (name == "import_state" || name == "note_import.state") {
    term->field = FilterField::kImportState;
    if (auto s = require_ops({FilterOp::kEq, FilterOp::kNe}); !s.ok()) return s;
    v1::ImportState state;
    if (!ParseEnumName<v1::ImportState>("IMPORT_STATE_", value,
                                        &v1::ImportState_Parse, &state)) {
      return FilterError(absl::StrCat("'", value, "' is not an import state"));
    }
    term->number = state;
  } else if (name == "country" || name == "venue.country_code") {
    term->field = FilterField::kCountry;
    if (auto s = require_ops({FilterOp::kEq, FilterOp::kNe}); !s.ok()) return s;
    term->value = absl::AsciiStrToUpper(value);
  } else if (name == "start_date" || name == "end_date") {
    term->field =
        name == "start_date" ? FilterField::kStartDate : FilterField::kEndDate;
    if (auto s = require_ops({FilterOp::kEq, FilterOp::kNe, FilterOp::kLt,
                              FilterOp::kLe, FilterOp::kGt, FilterOp::kGe});
        !s.ok()) {
      return s;
    }
    outreach::type::v1::Date d;
    if (!ParseDateKey(value, &d)) {
      return FilterError(
          absl::StrCat("'", value, "' is not a YYYY-MM-DD date"));
    }
    term->value = value;
  } else if (name == "topic" || name == "topics") {
    term->field = FilterField::kTopic;
    if (auto s = require_ops({FilterOp::kEq, FilterOp::kHas}); !s.ok())
      return s;
    term->op = FilterOp::kEq;
    term->value = absl::AsciiStrToLower(value);
  } else if (name == "series") {
    term->field = FilterField::kSeries;
    if (auto s = require_ops({FilterOp::kEq, FilterOp::kNe}); !s.ok()) return s;
    term->value = value;
  } else if (name == "parent_event") {
    term->field = FilterField::kParentEvent;
    if (auto s = require_ops({FilterOp::kEq, FilterOp::kNe}); !s.ok()) return s;
    term->value = value;
  } else if (name == "text") {
    term->field = FilterField::kText;
    if (auto s = require_ops({FilterOp::kHas, FilterOp::kEq}); !s.ok())
      return s;
    term->op = FilterOp::kHas;
    term->value = absl::AsciiStrToLower(value);
    if (term->value.empty()) return FilterError("has an empty text value");
  } else {
    return FilterError(absl::StrCat(
        "cannot filter on '", field_name,
        "'; fields: kind, status, country, start_date, end_date, topic, "
        "series, parent_event, text"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<FilterTerm>> ParseFilter(absl::string_view filter) {
  auto restrictions = ParseFilterRestrictions(filter);
  if (!restrictions.ok()) return restrictions.status();
  std::vector<FilterTerm> terms;
  for (const Restriction& r : *restrictions) {
    FilterTerm term;
    if (auto s = MakeTerm(r.field, r.op, r.value, &term); !s.ok()) return s;
    terms.push_back(std::move(term));
  }
  return terms;
}

absl::StatusOr<OrderBy> ParseOrderBy(absl::string_view order_by) {
  OrderBy order;
  std::vector<absl::string_view> words =
      absl::StrSplit(order_by, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  if (words.empty()) return order;
  auto error = [](absl::string_view why) {
    return InvalidField("order_by", why);
  };
  if (words.size() > 2) {
    return error("takes one field, optionally followed by 'desc'");
  }
  const std::string field = absl::AsciiStrToLower(words[0]);
  if (field == "start_date") {
    order.field = OrderField::kStartDate;
  } else if (field == "end_date") {
    order.field = OrderField::kEndDate;
  } else if (field == "title") {
    order.field = OrderField::kTitle;
  } else if (field == "create_time") {
    order.field = OrderField::kCreateTime;
  } else if (field == "update_time") {
    order.field = OrderField::kUpdateTime;
  } else {
    return error(absl::StrCat(
        "cannot order by '", words[0],
        "'; fields: start_date, end_date, title, create_time, update_time"));
  }
  order.descending = false;
  if (words.size() == 2) {
    const std::string dir = absl::AsciiStrToLower(words[1]);
    if (dir == "desc") {
      order.descending = true;
    } else if (dir != "asc") {
      return error("direction must be 'asc' or 'desc'");
    }
  }
  return order;
}

uint64_t QueryFingerprint(absl::string_view filter,
                          absl::string_view order_by) {
  return Fingerprint({filter, order_by});
}

std::string EncodePageToken(uint64_t fingerprint, const Cursor& cursor) {
  return outreach::EncodePageToken(fingerprint, {cursor.sort_value, cursor.id});
}

absl::StatusOr<Cursor> DecodePageToken(absl::string_view token,
                                       uint64_t fingerprint) {
  auto parts = outreach::DecodePageToken(token, fingerprint, 2);
  if (!parts.ok()) return parts.status();
  if (!IsValidId((*parts)[1])) {
    return InvalidField("page_token", "is not a token this service issued");
  }
  return Cursor{(*parts)[0], (*parts)[1]};
}

absl::StatusOr<ListQuery> BuildListQuery(int page_size,
                                         absl::string_view page_token,
                                         absl::string_view filter,
                                         absl::string_view order_by) {
  ListQuery q;
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  q.page_size =
      page_size == 0 ? kDefaultPageSize : std::min(page_size, kMaxPageSize);
  auto terms = ParseFilter(filter);
  if (!terms.ok()) return terms.status();
  q.terms = std::move(*terms);
  auto order = ParseOrderBy(order_by);
  if (!order.ok()) return order.status();
  q.order = *order;
  if (!page_token.empty()) {
    auto cursor =
        DecodePageToken(page_token, QueryFingerprint(filter, order_by));
    if (!cursor.ok()) return cursor.status();
    q.after = std::move(*cursor);
  }
  return q;
}

}  // namespace outreach::events
