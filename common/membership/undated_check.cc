#include "common/membership/undated_check.h"

#include <algorithm>

namespace outreach::membership {
namespace {

using ::outreach::type::v1::Date;

int DateKey(const Date& d) {
  return d.year() * 10000 + d.month() * 100 + d.day();
}

bool IsSet(const Date& d) { return d.year() != 0; }

}  // namespace

bool InRange(const Date& date, const Date& from, const Date& to) {
  const int d = DateKey(date);
  if (IsSet(from) && d < DateKey(from)) return false;
  if (IsSet(to) && d > DateKey(to)) return false;
  return true;
}

std::vector<pv::MembershipGroup> GroupsOn(
    const google::protobuf::RepeatedPtrField<pv::Membership>& memberships,
    const Date& date) {
  std::vector<pv::MembershipGroup> out;
  for (const auto& m : memberships) {
    if (InRange(date, m.valid_from(), m.valid_to())) out.push_back(m.group());
  }
  return out;
}

pv::CheckMembershipsResponse Judge(const pv::UndatedMembershipCheck& undated,
                                   const Date& as_of) {
  pv::CheckMembershipsResponse out;
  if (undated.groups().empty()) return out;
  out.set_group(undated.groups(0));
  for (const pv::ListedState& state : undated.listed_states()) {
    const auto on_date = GroupsOn(state.memberships(), as_of);
    const bool member = std::any_of(
        undated.groups().begin(), undated.groups().end(), [&on_date](int g) {
          return std::find(on_date.begin(), on_date.end(), g) != on_date.end();
        });
    if (member) continue;
    pv::MembershipMismatch* m = out.add_mismatches();
    m->set_printed_name(state.printed_name());
    m->set_entity(state.entity());
    m->set_display_name(state.display_name());
    for (auto g : on_date) m->add_groups_on_date(g);
  }
  *out.mutable_unchecked_names() = undated.unchecked_names();
  return out;
}

}  // namespace outreach::membership
