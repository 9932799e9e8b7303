#ifndef OUTREACH_SERVICES_WEB_GATEWAY_H_
#define OUTREACH_SERVICES_WEB_GATEWAY_H_

// The web front's view of the gateway: one small interface, with a gRPC
// implementation here and a fake in the tests. Every call is made for a
// person: the web service presents its own certificate and forwards the
// person's bearer token, so that the gateway applies that person's role
// and confidentiality rules (common/security/caller.h, token forwarders).

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "outreach/gateway/v1/gateway.grpc.pb.h"

namespace outreach::web {

namespace gv = ::outreach::gateway::v1;
namespace ev = ::outreach::events::v1;
namespace rv = ::outreach::recommendations::v1;

// Whom a call is made for.
struct ForPerson {
  // A JWT, without "Bearer "; empty sends none (a plaintext suite).
  std::string token;
  // Traced through the suite's logs as x-request-id.
  std::string request_id;
};

class Gateway {
 public:
  virtual ~Gateway() = default;
  virtual absl::StatusOr<ev::ListEventsResponse> ListEvents(
      const ForPerson& who, const ev::ListEventsRequest& req) = 0;
  virtual absl::StatusOr<gv::InformationNote> GetNote(
      const ForPerson& who, const std::string& event) = 0;
  virtual absl::StatusOr<gv::StateProfile> GetProfile(
      const ForPerson& who, const std::string& entity) = 0;
  virtual absl::StatusOr<gv::Dashboard> GetDashboard(
      const ForPerson& who, const std::string& filter) = 0;
  virtual absl::StatusOr<gv::ImportReport> Import(
      const ForPerson& who, const gv::ImportInformationNoteRequest& req) = 0;
  virtual absl::StatusOr<rv::ListRecommendationsResponse> ListOutcomes(
      const ForPerson& who, const rv::ListRecommendationsRequest& req) = 0;
  virtual absl::StatusOr<rv::Recommendation> Transition(
      const ForPerson& who, const rv::TransitionRecommendationRequest& req) = 0;
};

// Over `channel`; each call gets `timeout` (imports twice that). The
// gateway's errors come back with their field violations
// (common/status/status_util.h).
std::unique_ptr<Gateway> MakeGrpcGateway(std::shared_ptr<grpc::Channel> channel,
                                         absl::Duration timeout);

}  // namespace outreach::web

#endif  // OUTREACH_SERVICES_WEB_GATEWAY_H_
