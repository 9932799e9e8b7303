// libFuzzer target: the whole note parser. Any input must end in a value
// or a clean INVALID_ARGUMENT, never a crash, a sanitizer report or a hang
// (libFuzzer's -timeout catches the last); every line is accounted for.

#include <cstdint>
#include <cstdlib>

#include "absl/status/status.h"
#include "common/status/status_util.h"
#include "common/text/utf8.h"
#include "services/gateway/note_parser.h"

namespace {

// Whatever the parser says goes on the wire as proto3 strings.
void MustBeUtf8(absl::string_view s) {
  if (outreach::FindInvalidUtf8(s) != absl::string_view::npos) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto note = outreach::gateway::ParseInformationNote(text, "text");
  if (!note.ok()) {
    if (note.status().code() != absl::StatusCode::kInvalidArgument) abort();
    const auto violations = outreach::GetFieldViolations(note.status());
    if (violations.size() != 1) abort();
    MustBeUtf8(violations[0].description);
    return 0;
  }
  MustBeUtf8(note->title);
  MustBeUtf8(note->city);
  MustBeUtf8(note->country);
  MustBeUtf8(note->disclaimer);
  for (const auto& w : note->warnings) MustBeUtf8(w);
  for (const auto& p : note->participants) {
    MustBeUtf8(p.printed_name);
    MustBeUtf8(p.printed_group);
    MustBeUtf8(p.note);
  }
  for (const auto& a : note->lines) {
    MustBeUtf8(a.target);
    MustBeUtf8(a.detail);
  }
  for (const auto* list : {&note->background, &note->objectives,
                           &note->highlights, &note->additional_comments}) {
    for (const auto& p : *list) MustBeUtf8(p);
  }
  for (const auto& o : note->outcomes) {
    MustBeUtf8(o.text);
    MustBeUtf8(o.sentence);
  }
  for (size_t i = 0; i < note->lines.size(); ++i) {
    if (note->lines[i].line != static_cast<int>(i) + 1) abort();
  }
  for (size_t i = 0; i < note->participants.size(); ++i) {
    if (note->participants[i].position != static_cast<int>(i)) abort();
    if (note->participants[i].printed_name.empty()) abort();
  }
  if (note->title.empty()) abort();
  return 0;
}
