#ifndef OUTREACH_SERVICES_GATEWAY_NOTE_RENDERER_H_
#define OUTREACH_SERVICES_GATEWAY_NOTE_RENDERER_H_

// Writes an information note in the layout of the experts' notes (the seed
// note): the header table (Event, Date and Venue, Organizers,
// Participants), then Background, Objectives, Highlights and Additional
// comments, the disclaimer once as a footnote, and the contact.
//
// TEXT reproduces the extracted-PDF form, tab-separated header included,
// so that ParseInformationNote reads it back to the same facts. MARKDOWN
// and HTML are for people; HTML is a complete page, every value escaped,
// with print styles. Pure and thread-safe.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/gateway/note_parser.h"

namespace outreach::gateway {

// The disclaimer printed when a note's record carries none.
inline constexpr char kDefaultDisclaimer[] =
    "For information only - not an official report. The views expressed "
    "here do not necessarily represent those of the 1540 Committee or of "
    "the organizers or participants in the event";

// "5-6 November 2013", "30 November - 2 December 2013", "5 November 2013".
std::string FormatDateRange(const outreach::type::v1::Date& start,
                            const outreach::type::v1::Date& end);

std::string RenderText(const ParsedNote& note);
std::string RenderMarkdown(const ParsedNote& note);
std::string RenderHtml(const ParsedNote& note);

// Links RenderHtmlArticle puts on a note's names.
struct HtmlLinks {
  // By index in ParsedNote::participants: the href of that participant's
  // page, or empty for none. Escaped when written.
  std::vector<std::string> participants;
};
// The note alone, as an <article> for embedding in another page (the web
// front's): the same content as RenderHtml's body.
std::string RenderHtmlArticle(const ParsedNote& note, const HtmlLinks& links);

}  // namespace outreach::gateway

#endif  // OUTREACH_SERVICES_GATEWAY_NOTE_RENDERER_H_
