#ifndef OUTREACH_SERVICES_GATEWAY_NOTE_BYTES_SERVICE_H_
#define OUTREACH_SERVICES_GATEWAY_NOTE_BYTES_SERVICE_H_

// GetInformationNote, answered with the note's serialized bytes.
//
// A warm note is already serialized where it is kept (Redis, and the
// near cache). Answered as a message, each call copied it (about 60
// sub-messages), serialized the copy and freed both: 74 µs of the warm
// note's 174 in the profile (tools/bench/findings.md). This handler takes
// the same request and sends the kept bytes as they are.
//
// gRPC generates no synchronous method with a raw response, so this is a
// service of its own holding the one method, with the generated
// GatewayService's version marked generic (GatewayServiceImpl) so that it
// is not registered twice. The wire contract is the generated one's: the
// same method name, request and response messages.

#include "grpcpp/grpcpp.h"
#include "outreach/gateway/v1/gateway.pb.h"
#include "services/gateway/note_composer.h"

namespace outreach::gateway {

class NoteBytesService final : public grpc::Service {
 public:
  // Not owned.
  explicit NoteBytesService(NoteComposer* composer);

 private:
  grpc::Status GetInformationNote(grpc::ServerContext* ctx,
                                  const v1::GetInformationNoteRequest* req,
                                  grpc::ByteBuffer* resp);

  NoteComposer* const composer_;
};

}  // namespace outreach::gateway

#endif  // OUTREACH_SERVICES_GATEWAY_NOTE_BYTES_SERVICE_H_
