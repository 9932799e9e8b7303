#include "services/events/events_service.h"

#include <utility>

#include "common/status/status_util.h"

namespace outreach::events {
namespace {

// Moves a StatusOr's value into the response, or converts its error.
template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status EventsServiceImpl::GetEvent(grpc::ServerContext*,
                                         const v1::GetEventRequest* request,
                                         v1::Event* response) {
  return Reply(manager_->GetEvent(*request), response);
}

grpc::Status EventsServiceImpl::ListEvents(
    grpc::ServerContext*, const v1::ListEventsRequest* request,
    v1::ListEventsResponse* response) {
  return Reply(manager_->ListEvents(*request), response);
}

grpc::Status EventsServiceImpl::CreateEvent(
    grpc::ServerContext*, const v1::CreateEventRequest* request,
    v1::Event* response) {
  return Reply(manager_->CreateEvent(*request), response);
}

grpc::Status EventsServiceImpl::UpdateEvent(
    grpc::ServerContext*, const v1::UpdateEventRequest* request,
    v1::Event* response) {
  return Reply(manager_->UpdateEvent(*request), response);
}

grpc::Status EventsServiceImpl::DeleteEvent(
    grpc::ServerContext*, const v1::DeleteEventRequest* request,
    google::protobuf::Empty*) {
  return ToGrpcStatus(manager_->DeleteEvent(*request));
}

}  // namespace outreach::events
