#ifndef OUTREACH_SERVICES_EVENTS_EVENTS_SERVICE_H_
#define OUTREACH_SERVICES_EVENTS_EVENTS_SERVICE_H_

// The gRPC face of the events service: a thin adapter on the synchronous
// API. Each method hands the request to EventManager and converts its
// absl::Status with ToGrpcStatus (common/status), nothing more.

#include "outreach/events/v1/events.grpc.pb.h"
#include "services/events/event_manager.h"

namespace outreach::events {

class EventsServiceImpl final : public v1::EventsService::Service {
 public:
  // `manager` is not owned and must outlive the service.
  explicit EventsServiceImpl(EventManager* manager) : manager_(manager) {}

  grpc::Status GetEvent(grpc::ServerContext* context,
                        const v1::GetEventRequest* request,
                        v1::Event* response) override;
  grpc::Status BatchGetEvents(grpc::ServerContext* context,
                              const v1::BatchGetEventsRequest* request,
                              v1::BatchGetEventsResponse* response) override;
  grpc::Status SummarizeEvents(grpc::ServerContext* context,
                               const v1::SummarizeEventsRequest* request,
                               v1::SummarizeEventsResponse* response) override;
  grpc::Status ListEvents(grpc::ServerContext* context,
                          const v1::ListEventsRequest* request,
                          v1::ListEventsResponse* response) override;
  grpc::Status CreateEvent(grpc::ServerContext* context,
                           const v1::CreateEventRequest* request,
                           v1::Event* response) override;
  grpc::Status UpdateEvent(grpc::ServerContext* context,
                           const v1::UpdateEventRequest* request,
                           v1::Event* response) override;
  grpc::Status DeleteEvent(grpc::ServerContext* context,
                           const v1::DeleteEventRequest* request,
                           google::protobuf::Empty* response) override;
  grpc::Status ListAuditRecords(grpc::ServerContext* context,
                                const v1::ListAuditRecordsRequest* request,
                                v1::ListAuditRecordsResponse* response) override;

 private:
  EventManager* const manager_;
};

}  // namespace outreach::events

#endif  // OUTREACH_SERVICES_EVENTS_EVENTS_SERVICE_H_
