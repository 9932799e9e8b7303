#ifndef OUTREACH_COMMON_MEMBERSHIP_UNDATED_CHECK_H_
#define OUTREACH_COMMON_MEMBERSHIP_UNDATED_CHECK_H_

// The date rule of a membership check, in one place for the participants
// service, which prepares checks (and answers CheckMemberships with this
// rule), and for callers that prepare a check before they know its date
// (ListParticipations with include_membership_checks) and judge it once
// they do. Both ends therefore answer alike by construction.

#include <vector>

#include "google/protobuf/repeated_field.h"
#include "outreach/participants/v1/participants.pb.h"
#include "outreach/type/v1/date.pb.h"

namespace outreach::membership {

namespace pv = ::outreach::participants::v1;

// True when `date` lies in [from, to]; unset bounds (year 0) are open.
bool InRange(const ::outreach::type::v1::Date& date,
             const ::outreach::type::v1::Date& from,
             const ::outreach::type::v1::Date& to);

// The groups of `memberships` that held on `date`, in their order.
std::vector<pv::MembershipGroup> GroupsOn(
    const google::protobuf::RepeatedPtrField<pv::Membership>& memberships,
    const ::outreach::type::v1::Date& date);

// What CheckMemberships answers on `as_of` for the check `undated` was
// prepared from (participants.proto, UndatedMembershipCheck).
pv::CheckMembershipsResponse Judge(const pv::UndatedMembershipCheck& undated,
                                   const ::outreach::type::v1::Date& as_of);

}  // namespace outreach::membership

#endif  // OUTREACH_COMMON_MEMBERSHIP_UNDATED_CHECK_H_
