#include "services/gateway/import_request.h"

#include <string>
#include <vector>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace outreach::gateway {

absl::StatusOr<v1::ImportInformationNoteRequest> DecodeImportRequest(
    const grpc::ByteBuffer& buffer) {
  using google::protobuf::internal::WireFormatLite;
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) {
    return absl::InvalidArgumentError("the request could not be read");
  }
  std::string bytes;
  bytes.reserve(buffer.Length());
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(bytes.data()),
      static_cast<int>(bytes.size()));
  v1::ImportInformationNoteRequest req;
  const auto bad = [] {
    return absl::InvalidArgumentError(
        "the request is not an ImportInformationNoteRequest");
  };
  for (uint32_t tag = in.ReadTag(); tag != 0; tag = in.ReadTag()) {
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    const auto type = WireFormatLite::GetTagWireType(tag);
    if ((field == 1 || field == 3) &&
        type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      uint32_t length = 0;
      std::string value;
      if (!in.ReadVarint32(&length) ||
          !in.ReadString(&value, static_cast<int>(length))) {
        return bad();
      }
      // Set without a UTF-8 check: the parser says where it fails.
      if (field == 1) {
        *req.mutable_text() = std::move(value);
      } else {
        *req.mutable_request_id() = std::move(value);
      }
    } else if (field == 2 && type == WireFormatLite::WIRETYPE_VARINT) {
      uint64_t v = 0;
      if (!in.ReadVarint64(&v)) return bad();
      req.set_dry_run(v != 0);
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return bad();
    }
  }
  if (!in.ConsumedEntireMessage()) return bad();
  return req;
}

}  // namespace outreach::gateway
