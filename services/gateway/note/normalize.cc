#include "common/status/status_util.h"
#include "services/gateway/note/normalize.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/text/utf8.h"

namespace outreach::gateway::note {
namespace {

// What one code point becomes.
enum class Kind { kKeep, kNewline, kDrop, kControl, kSpace, kTab, kReplace };

struct Mapping {
  Kind kind;
  const char* replacement = nullptr;
};

Mapping Map(char32_t c) {
  if (c == '\n' || c == '\f' || c == '\v' || c == 0x85 || c == 0x2028 ||
      c == 0x2029) {
    return {Kind::kNewline};
  }
  if (c == '\t') return {Kind::kTab};
  if (c == ' ' || c == 0xa0 || (c >= 0x2000 && c <= 0x200a) || c == 0x202f ||
      c == 0x205f || c == 0x3000) {
    return {Kind::kSpace};
  }
  if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
    return {Kind::kControl};
  }
  switch (c) {
    case 0xad:    // soft hyphen
    case 0x200b:  // zero-width space
    case 0x200c:
    case 0x200d:
    case 0x2060:  // word joiner
    case 0xfeff:  // byte-order mark
      return {Kind::kDrop};
    case 0x2010:  // hyphen
    case 0x2011:  // non-breaking hyphen
    case 0x2012:  // figure dash
    case 0x2013:  // en dash
    case 0x2014:  // em dash
    case 0x2015:  // horizontal bar
    case 0x2212:  // minus sign
    case 0xfe58:
    case 0xfe63:
    case 0xff0d:
      return {Kind::kReplace, "-"};
    case 0x2018:
    case 0x2019:
    case 0x201a:
    case 0x201b:
    case 0x2032:
    case 0x2039:
    case 0x203a:
      return {Kind::kReplace, "'"};
    case 0x201c:
    case 0x201d:
    case 0x201e:
    case 0x201f:
    case 0x2033:
    case 0xab:
    case 0xbb:
      return {Kind::kReplace, "\""};
    case 0x2026:
      return {Kind::kReplace, "..."};
    case 0xfb00:
      return {Kind::kReplace, "ff"};
    case 0xfb01:
      return {Kind::kReplace, "fi"};
    case 0xfb02:
      return {Kind::kReplace, "fl"};
    case 0xfb03:
      return {Kind::kReplace, "ffi"};
    case 0xfb04:
      return {Kind::kReplace, "ffl"};
    default:
      return {Kind::kKeep};
  }
}

// Builds one line: collapses runs of blanks into ' ' or '\t', trims.
class LineBuilder {
 public:
  void Blank(bool tab) {
    ++blanks_;
    tab_ = tab_ || tab;
  }
  void Append(absl::string_view s) {
    if (blanks_ > 0 && !text_.empty()) {
      text_.push_back(tab_ || blanks_ >= 3 ? '\t' : ' ');
    }
    blanks_ = 0;
    tab_ = false;
    text_.append(s.data(), s.size());
  }
  std::string Take() {
    blanks_ = 0;
    tab_ = false;
    std::string out;
    out.swap(text_);
    return out;
  }

 private:
  std::string text_;
  int blanks_ = 0;
  bool tab_ = false;
};

}  // namespace

absl::StatusOr<NormalizedText> Normalize(absl::string_view text,
                                         absl::string_view field,
                                         const ParseLimits& limits,
                                         Budget& budget) {
  if (text.size() > limits.max_bytes) {
    return InvalidField(field,
                  absl::StrCat("is ", text.size(), " bytes, over the limit of ",
                               limits.max_bytes,
                               " bytes (max_bytes); a note is a few pages"));
  }
  NormalizedText out;
  LineBuilder line;
  size_t line_start = 0;  // byte offset where the current line began
  size_t controls = 0;
  size_t first_control = 0;
  int first_control_line = 0;
  size_t code_points = 0;

  auto end_line = [&](size_t at) -> absl::Status {
    if (at - line_start > limits.max_line_bytes) {
      return InvalidField(
          field, absl::StrCat("line ", out.lines.size() + 1,
                              " is longer than the limit of ",
                              limits.max_line_bytes,
                              " bytes on one line (max_line_bytes)"));
    }
    if (static_cast<int>(out.lines.size()) >= limits.max_lines) {
      return InvalidField(field, absl::StrCat("has more than ", limits.max_lines,
                                        " lines (max_lines)"));
    }
    out.lines.push_back(
        {static_cast<int>(out.lines.size()) + 1, line.Take()});
    return absl::OkStatus();
  };

  size_t i = 0;
  size_t steps = 0;
  while (i < text.size()) {
    if ((++steps & 63) == 0 && !budget.Tick()) return budget.status();
    // A line that is already too long is refused now, not at its end: the
    // limit bounds the work too.
    if (i - line_start > limits.max_line_bytes) {
      if (absl::Status s = end_line(i); !s.ok()) return s;
    }
    char32_t cp = 0;
    const int len = DecodeUtf8(text, i, &cp);
    if (len == 0) {
      return InvalidField(
          field,
          absl::StrFormat("is not valid UTF-8: byte 0x%02x at byte offset %d "
                          "(line %d) does not start a well-formed character",
                          static_cast<unsigned char>(text[i]), i,
                          out.lines.size() + 1));
    }
    ++code_points;
    if (cp == '\r') {
      if (absl::Status s = end_line(i); !s.ok()) return s;
      i += (i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
      line_start = i;
      continue;
    }
    const Mapping m = Map(cp);
    switch (m.kind) {
      case Kind::kNewline: {
        if (absl::Status s = end_line(i); !s.ok()) return s;
        i += len;
        line_start = i;
        continue;
      }
      case Kind::kControl:
        if (controls++ == 0) {
          first_control = i;
          first_control_line = static_cast<int>(out.lines.size()) + 1;
        }
        break;
      case Kind::kDrop:
        break;
      case Kind::kSpace:
        line.Blank(false);
        break;
      case Kind::kTab:
        line.Blank(true);
        break;
      case Kind::kReplace:
        line.Append(m.replacement);
        break;
      case Kind::kKeep:
        line.Append(text.substr(i, len));
        break;
    }
    i += len;
  }
  if (absl::Status s = end_line(text.size()); !s.ok()) return s;
  // A trailing newline does not start a line of its own.
  if (out.lines.size() > 1 && out.lines.back().text.empty() && !text.empty() &&
      (text.back() == '\n' || text.back() == '\r')) {
    out.lines.pop_back();
  }

  if (controls > 0) {
    // Text extracted from a PDF may carry a stray NUL or two; a file that
    // is largely control characters is not text at all.
    if (controls * 8 > code_points && controls > 8) {
      return InvalidField(field,
                    absl::StrCat("looks binary, not text: ", controls, " of ",
                                 code_points,
                                 " characters are control characters, the "
                                 "first at byte offset ",
                                 first_control,
                                 " (extract the text of the PDF first)"));
    }
    out.warnings.push_back(
        {first_control_line,
         absl::StrCat("removed ", controls,
                      " control character(s) (NUL and the like), the first "
                      "at byte offset ",
                      first_control)});
  }
  bool any = false;
  for (const Line& l : out.lines) {
    if (!l.text.empty()) {
      any = true;
      break;
    }
  }
  if (!any) {
    return InvalidField(field, "is empty; expected the text of an information note");
  }
  return out;
}

}  // namespace outreach::gateway::note
