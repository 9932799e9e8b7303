#ifndef OUTREACH_SERVICES_GATEWAY_IMPORT_REQUEST_H_
#define OUTREACH_SERVICES_GATEWAY_IMPORT_REQUEST_H_

// ImportInformationNote reads its request off the wire itself. A proto3
// `string` that is not UTF-8 makes protobuf's own parser fail, and gRPC
// then answers INTERNAL with no message; a note extracted badly from a PDF
// is the caller's mistake and deserves INVALID_ARGUMENT naming the byte
// where the text stops being UTF-8. So the request's bytes are read here,
// field by field, without that check, and the parser's normalize stage
// gives the answer (note/normalize.h).

#include "absl/status/statusor.h"
#include "grpcpp/support/byte_buffer.h"
#include "outreach/gateway/v1/gateway.pb.h"

namespace outreach::gateway {

// The request in `buffer`, its `text` as sent, UTF-8 or not.
// INVALID_ARGUMENT when the bytes are not an ImportInformationNoteRequest.
absl::StatusOr<v1::ImportInformationNoteRequest> DecodeImportRequest(
    const grpc::ByteBuffer& buffer);

}  // namespace outreach::gateway

#endif  // OUTREACH_SERVICES_GATEWAY_IMPORT_REQUEST_H_
