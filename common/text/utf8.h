#ifndef OUTREACH_COMMON_TEXT_UTF8_H_
#define OUTREACH_COMMON_TEXT_UTF8_H_

// UTF-8 for text that crosses the wire. A proto3 string must be UTF-8: one
// that is not makes the receiver's parse fail (gRPC answers INTERNAL, or
// an error's details are lost). So every message that echoes input, and
// every cut of text to a length, goes through these.

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace outreach {

// The length of the well-formed UTF-8 sequence at s[i] and its code point,
// or 0 when the bytes there are not one (overlong forms, surrogates and
// code points past U+10FFFF included).
int DecodeUtf8(absl::string_view s, size_t i, char32_t* code_point);

// The byte offset of the first byte that does not start a well-formed
// character, or npos when all of `s` is UTF-8.
size_t FindInvalidUtf8(absl::string_view s);

// `s` with each ill-formed byte replaced by U+FFFD.
std::string ToValidUtf8(absl::string_view s);

// The longest prefix of `s` of at most `max_bytes` that does not cut a
// character in two.
absl::string_view Utf8Prefix(absl::string_view s, size_t max_bytes);

}  // namespace outreach

#endif  // OUTREACH_COMMON_TEXT_UTF8_H_
