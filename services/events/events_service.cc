#include "services/events/events_service.h"

#include "common/client/call_policy.h"
#include "common/server/call_gate.h"
#include "common/server/call_log_interceptor.h"
#include "common/status/status_util.h"

namespace outreach::events {
grpc::Status EventsServiceImpl::GetEvent(grpc::ServerContext* context,
                                         const v1::GetEventRequest* request,
                                         v1::Event* response) {
  if (auto denied = GateCall<v1::EventsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->GetEvent(*request), response);
}

grpc::Status EventsServiceImpl::BatchGetEvents(
    grpc::ServerContext* context, const v1::BatchGetEventsRequest* request,
    v1::BatchGetEventsResponse* response) {
  if (auto denied = GateCall<v1::EventsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->BatchGetEvents(*request), response);
}

grpc::Status EventsServiceImpl::SummarizeEvents(
    grpc::ServerContext* context, const v1::SummarizeEventsRequest* request,
    v1::SummarizeEventsResponse* response) {
  if (auto denied = GateCall<v1::EventsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->SummarizeEvents(*request), response);
}

grpc::Status EventsServiceImpl::ListEvents(grpc::ServerContext* context,
                                           const v1::ListEventsRequest* request,
                                           v1::ListEventsResponse* response) {
  if (auto denied = GateCall<v1::EventsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->ListEvents(*request), response);
}

grpc::Status EventsServiceImpl::CreateEvent(
    grpc::ServerContext* context, const v1::CreateEventRequest* request,
    v1::Event* response) {
  if (auto denied = GateCall<v1::EventsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  // A check writes nothing: the suite's cached composites stay valid.
  if (request->validate_only()) MarkWroteNothing(*context);
  return ReplyWith(manager_->CreateEvent(ScopeOf(*context), *request),
                   response);
}

grpc::Status EventsServiceImpl::UpdateEvent(
    grpc::ServerContext* context, const v1::UpdateEventRequest* request,
    v1::Event* response) {
  if (auto denied = GateCall<v1::EventsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->UpdateEvent(ScopeOf(*context), *request),
                   response);
}

grpc::Status EventsServiceImpl::DeleteEvent(
    grpc::ServerContext* context, const v1::DeleteEventRequest* request,
    google::protobuf::Empty*) {
  if (auto denied = GateCall<v1::EventsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  return ToGrpcStatus(manager_->DeleteEvent(ScopeOf(*context), *request));
}

grpc::Status EventsServiceImpl::ListAuditRecords(
    grpc::ServerContext* context, const v1::ListAuditRecordsRequest* request,
    v1::ListAuditRecordsResponse* response) {
  if (auto denied = GateCall<v1::EventsService>(*context, __func__);
      !denied.ok()) {
    return denied;
  }
  return ReplyWith(manager_->ListAuditRecords(*request), response);
}

}  // namespace outreach::events
