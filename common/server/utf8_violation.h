#ifndef OUTREACH_COMMON_SERVER_UTF8_VIOLATION_H_
#define OUTREACH_COMMON_SERVER_UTF8_VIOLATION_H_

// Invalid UTF-8 in a request's string field, answered as bad input.
//
// Protobuf refuses a proto3 `string` field that is not UTF-8 while it
// parses the request, before any handler or validation runs, and gRPC then
// answers INTERNAL ("" message), as if the server had failed. Protobuf does
// name the field, in the error it logs as it refuses it, on the thread that
// parses. A protobuf log handler keeps that name for the thread; the call
// interceptor, on the same thread of the synchronous server, turns the
// INTERNAL into INVALID_ARGUMENT with a field violation ("event.title: is
// not valid UTF-8"), and the server clears what is left after each call.

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace outreach {

// Installs the log handler, once per process; other protobuf logs go on to
// the handler that was there before.
void InstallUtf8ViolationCapture();

// The full name ("outreach.events.v1.Event.title") of the last string
// field protobuf refused on this thread, and forgets it.
std::optional<std::string> TakeUtf8Violation();

// The path of the field named `full_name` inside `message`
// ("event.venue.city"), searched breadth first; `full_name` itself when no
// field of `message` leads there.
std::string FieldPathOf(const google::protobuf::Descriptor* message,
                        absl::string_view full_name);

}  // namespace outreach

#endif  // OUTREACH_COMMON_SERVER_UTF8_VIOLATION_H_
