#include "common/text/utf8.h"

namespace outreach {

int DecodeUtf8(absl::string_view s, size_t i, char32_t* code_point) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) {
    *code_point = c;
    return 1;
  }
  int len;
  char32_t cp;
  char32_t min;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2, cp = c & 0x1f, min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3, cp = c & 0x0f, min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (int k = 1; k < len; ++k) {
    const unsigned char b = byte(i + k);
    if ((b & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  *code_point = cp;
  return len;
}

size_t FindInvalidUtf8(absl::string_view s) {
  char32_t cp;
  for (size_t i = 0; i < s.size();) {
    const int len = DecodeUtf8(s, i, &cp);
    if (len == 0) return i;
    i += len;
  }
  return absl::string_view::npos;
}

std::string ToValidUtf8(absl::string_view s) {
  const size_t first = FindInvalidUtf8(s);
  if (first == absl::string_view::npos) return std::string(s);
  std::string out(s.substr(0, first));
  char32_t cp;
  for (size_t i = first; i < s.size();) {
    const int len = DecodeUtf8(s, i, &cp);
    if (len == 0) {
      out += "\xef\xbf\xbd";  // U+FFFD
      ++i;
    } else {
      out.append(s.data() + i, len);
      i += len;
    }
  }
  return out;
}

absl::string_view Utf8Prefix(absl::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t end = max_bytes;
  // Back off continuation bytes (10xxxxxx) to a character's first byte.
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xc0) == 0x80) {
    --end;
  }
  return s.substr(0, end);
}

}  // namespace outreach
