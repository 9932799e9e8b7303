#include "services/events/event_validation.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace outreach::events {
namespace {

using outreach::events::v1::Event;
using outreach::events::v1::EventKind_IsValid;
using outreach::events::v1::EventStatus_IsValid;
using outreach::events::v1::OrganizerRole_IsValid;
using outreach::type::v1::Date;

bool IsBlank(absl::string_view s) {
  return absl::StripAsciiWhitespace(s).empty();
}

void CheckParagraphs(
    const google::protobuf::RepeatedPtrField<std::string>& list,
    const std::string& field, FieldViolations& v) {
  if (list.size() > kMaxParagraphs) {
    v.Add(field, absl::StrCat("has more than ", kMaxParagraphs, " entries"));
    return;
  }
  for (int i = 0; i < list.size(); ++i) {
    const std::string f = absl::StrCat(field, "[", i, "]");
    if (IsBlank(list[i])) {
      v.Add(f, "is empty");
    } else if (list[i].size() > kMaxParagraph) {
      v.Add(f, absl::StrCat("is longer than ", kMaxParagraph, " bytes"));
    }
  }
}

}  // namespace

absl::StatusOr<std::string> ParseEventName(absl::string_view name,
                                           absl::string_view field) {
  return ParseResourceName(name, "events/", field);
}

bool IsValidEmail(absl::string_view email) {
  if (email.size() > kMaxEmail) return false;
  const size_t at = email.find('@');
  if (at == absl::string_view::npos || at == 0 || at > 64 ||
      email.find('@', at + 1) != absl::string_view::npos) {
    return false;
  }
  const absl::string_view domain = email.substr(at + 1);
  if (domain.size() < 3 || domain.find('.') == absl::string_view::npos ||
      domain.front() == '.' || domain.back() == '.' ||
      absl::StrContains(domain, "..")) {
    return false;
  }
  for (char c : email) {
    if (absl::ascii_isspace(c) || absl::ascii_iscntrl(c) || c == '<' ||
        c == '>' || c == ',' || c == ';') {
      return false;
    }
  }
  return true;
}

void ValidateEvent(const Event& e, const CountryRegistry& countries,
                   absl::string_view prefix, FieldViolations& v) {
  const std::string p(prefix);
  v.CheckText(e.title(), kMaxTitle, /*required=*/true, p + ".title");
  if (!EventKind_IsValid(e.kind())) {
    v.Add(p + ".kind", absl::StrCat("has no meaning: ", e.kind()));
  }
  if (!EventStatus_IsValid(e.status())) {
    v.Add(p + ".status", absl::StrCat("has no meaning: ", e.status()));
  }
  const bool start_ok = e.has_start_date() && IsValidDate(e.start_date());
  if (!e.has_start_date()) {
    v.Add(p + ".start_date", "is required");
  } else if (!start_ok) {
    v.Add(p + ".start_date", "is not a valid calendar date");
  }
  if (e.has_end_date()) {
    if (!IsValidDate(e.end_date())) {
      v.Add(p + ".end_date", "is not a valid calendar date");
    } else if (start_ok && DateKey(e.end_date()) < DateKey(e.start_date())) {
      v.Add(p + ".end_date", "is before start_date");
    }
  }
  if (e.has_venue()) {
    v.CheckText(e.venue().city(), kMaxShortText, false, p + ".venue.city");
    const std::string& cc = e.venue().country_code();
    if (!cc.empty() && countries.FindByAlpha2(cc) == nullptr) {
      v.Add(p + ".venue.country_code",
            absl::StrCat("'", cc.substr(0, 10),
                         "' is not an ISO 3166-1 alpha-2 code (upper case)"));
    }
  }
  if (e.organizers_size() > kMaxOrganizers) {
    v.Add(p + ".organizers",
          absl::StrCat("has more than ", kMaxOrganizers, " entries"));
  } else {
    for (int i = 0; i < e.organizers_size(); ++i) {
      const auto& o = e.organizers(i);
      const std::string f = absl::StrCat(p, ".organizers[", i, "]");
      v.CheckText(o.display_name(), kMaxTitle, true, f + ".display_name");
      if (!OrganizerRole_IsValid(o.role())) {
        v.Add(f + ".role", absl::StrCat("has no meaning: ", o.role()));
      }
      absl::string_view entity = o.entity();
      if (!entity.empty() &&
          (!absl::ConsumePrefix(&entity, "entities/") || !IsValidId(entity))) {
        v.Add(f + ".entity", "is not of the form entities/{entity_id}");
      }
    }
  }
  if (e.topics_size() > kMaxTopics) {
    v.Add(p + ".topics",
          absl::StrCat("has more than ", kMaxTopics, " entries"));
  } else {
    absl::flat_hash_set<std::string> seen;
    for (int i = 0; i < e.topics_size(); ++i) {
      const std::string f = absl::StrCat(p, ".topics[", i, "]");
      v.CheckText(e.topics(i), kMaxShortText, true, f);
      if (!seen.insert(absl::AsciiStrToLower(e.topics(i))).second) {
        v.Add(f, "repeats an earlier topic");
      }
    }
  }
  CheckParagraphs(e.background(), p + ".background", v);
  CheckParagraphs(e.objectives(), p + ".objectives", v);
  CheckParagraphs(e.highlights(), p + ".highlights", v);
  CheckParagraphs(e.additional_comments(), p + ".additional_comments", v);
  if (!e.contact_email().empty() && !IsValidEmail(e.contact_email())) {
    v.Add(p + ".contact_email", "is not a valid e-mail address");
  }
  if (!e.parent_event().empty() &&
      !ParseEventName(e.parent_event(), "parent_event").ok()) {
    v.Add(p + ".parent_event", "is not of the form events/{event_id}");
  }
  v.CheckText(e.series(), kMaxShortText, false, p + ".series");
  const std::string& digest = e.note_import().note_digest();
  if (digest.size() > 64 ||
      digest.find_first_not_of("0123456789abcdef") != std::string::npos) {
    v.Add(p + ".note_import.note_digest",
          "must be up to 64 lower-case hexadecimal digits");
  }
}

}  // namespace outreach::events
