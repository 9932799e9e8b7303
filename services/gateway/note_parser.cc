#include "common/status/status_util.h"
#include "services/gateway/note_parser.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/text/utf8.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/resource/resource_ids.h"
#include "services/gateway/note/dates.h"
#include "services/gateway/note/footnotes.h"
#include "services/gateway/note/header.h"
#include "services/gateway/note/normalize.h"
#include "services/gateway/note/sections.h"
#include "services/gateway/note/venue.h"

namespace outreach::gateway {
namespace {

using note::HeaderField;
using note::LineUse;
using note::SectionKind;

void AddWarnings(const std::vector<note::Warning>& from,
                 std::vector<std::string>& to) {
  for (const note::Warning& w : from) {
    to.push_back(w.line > 0 ? absl::StrCat("line ", w.line, ": ", w.text)
                            : w.text);
  }
}

const note::HeaderValue* Field(const note::Header& h, HeaderField f) {
  auto it = h.fields.find(f);
  return it == h.fields.end() ? nullptr : &it->second;
}

// The dates and the place, from whichever of the date and venue rows the
// note has.
void ReadDateAndVenue(const note::Header& header, ParsedNote& out) {
  const note::HeaderValue* both = Field(header, HeaderField::kDateAndVenue);
  if (both == nullptr) both = Field(header, HeaderField::kVenueAndDate);
  const note::HeaderValue* date = Field(header, HeaderField::kDate);
  const note::HeaderValue* venue = Field(header, HeaderField::kVenue);
  const std::string both_text = both ? both->Joined() : "";
  const std::string date_text = date ? date->Joined() : both_text;
  std::string venue_text = venue ? venue->Joined() : "";
  out.date_and_venue = both_text;
  if (both == nullptr) {
    out.date_and_venue = date_text;
    if (!venue_text.empty()) {
      absl::StrAppend(&out.date_and_venue,
                      out.date_and_venue.empty() ? "" : ", ", venue_text);
    }
  }
  const int line = both ? both->label_line : (date ? date->label_line : 0);
  if (!date_text.empty()) {
    const note::DateReading dates = note::ReadDates(date_text);
    if (dates.range.has_value()) {
      out.start_date = dates.range->start;
      out.end_date = dates.range->end;
      if (venue == nullptr && both != nullptr) {
        venue_text = absl::StrCat(
            date_text.substr(0, dates.range->begin), ", ",
            date_text.substr(dates.range->end_offset));
      }
    } else {
      out.date_problem = absl::StrCat("line ", line, ": could not read a date in \"",
                                      Utf8Prefix(date_text, 120),
                                      "\": ", dates.problem);
      out.warnings.push_back(out.date_problem);
      if (venue == nullptr && both != nullptr) venue_text = both_text;
    }
  } else {
    out.date_problem = "the note has no Date or \"Date and Venue\" row";
    out.warnings.push_back(out.date_problem);
  }
  if (!venue_text.empty()) {
    const note::VenueReading v = note::ReadVenue(venue_text);
    out.city = v.city;
    out.country = v.country;
    for (const std::string& d : v.dropped) {
      out.warnings.push_back(absl::StrCat(
          "line ", line, ": kept only the city and country of the venue; "
          "dropped \"", d, "\""));
    }
  }
}

}  // namespace

absl::StatusOr<ParsedNote> ParseInformationNote(absl::string_view text,
                                                absl::string_view field,
                                                const ParseOptions& options) {
  const note::ParseLimits& limits = options.limits;
  if (text.size() <= limits.max_bytes &&
      absl::StripAsciiWhitespace(text).empty()) {
    return InvalidField(field,
                        "is empty; expected the text of an information note");
  }
  note::Budget budget(options.deadline, options.cancelled);
  auto normalized = note::Normalize(text, field, limits, budget);
  if (!normalized.ok()) return normalized.status();
  std::vector<note::Line>& lines = normalized->lines;

  ParsedNote out;
  AddWarnings(normalized->warnings, out.warnings);
  {
    std::string text;
    for (const note::Line& l : lines) absl::StrAppend(&text, l.text, "\n");
    out.digest = absl::StrFormat("%016x%016x", Fingerprint({text}),
                                 Fingerprint({text, "outreach-note"}));
  }
  out.lines.resize(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) out.lines[i].line = lines[i].number;

  const note::Footnotes footnotes =
      note::ReadFootnotes(lines, out.lines, budget);
  if (!budget.status().ok()) return budget.status();
  out.disclaimer = footnotes.disclaimer;
  AddWarnings(footnotes.warnings, out.warnings);

  auto sections =
      note::ReadSections(lines, out.lines, field, limits, budget);
  if (!sections.ok()) return sections.status();
  auto header = note::ReadHeader(lines, sections->first_heading, out.lines,
                                 budget);
  if (!header.ok()) return header.status();
  AddWarnings(header->warnings, out.warnings);

  const note::HeaderValue* event = Field(*header, HeaderField::kEvent);
  if (event != nullptr) out.title = event->Joined();
  if (out.title.empty()) {
    return InvalidField(
        field,
        "has no header table: expected labelled rows (\"Event\", \"Date and "
        "Venue\", \"Organizers\", \"Participants\"; with a tab, a colon, or "
        "the value on the next line) before the first section, and found no "
        "\"Event\" row with a title");
  }
  if (out.title.size() > limits.max_title_bytes) {
    return InvalidField(field, absl::StrCat("the event's title is ",
                                            out.title.size(),
                                            " bytes, over the limit of ",
                                            limits.max_title_bytes,
                                            " (max_title_bytes)"));
  }

  ReadDateAndVenue(*header, out);

  if (const note::HeaderValue* org = Field(*header, HeaderField::kOrganizers)) {
    // One organizer per line reads like a comma list.
    std::string joined;
    bool bullets = false;
    for (const note::Line& l : org->lines) {
      std::string t = l.text;
      bullets |= note::StripBullet(t);
    }
    for (const note::Line& l : org->lines) {
      std::string t = l.text;
      note::StripBullet(t);
      absl::StrAppend(&joined, joined.empty() ? "" : (bullets ? ", " : " "),
                      t);
    }
    out.organizers = note::ReadOrganizers(joined);
    if (static_cast<int>(out.organizers.size()) > limits.max_organizers) {
      return InvalidField(field, absl::StrCat("lists more than ",
                                              limits.max_organizers,
                                              " organizers (max_organizers)"));
    }
  }

  if (const note::HeaderValue* parts =
          Field(*header, HeaderField::kParticipants)) {
    auto reading = note::ReadParticipants(parts->lines, field, limits, budget);
    if (!reading.ok()) return reading.status();
    out.participants = std::move(reading->participants);
    AddWarnings(reading->warnings, out.warnings);
    for (const note::LineAccount& a : reading->accounts) {
      note::LineAccount& mine = out.lines[a.line - 1];
      if (mine.use == LineUse::kHeaderValue) {
        mine = a;
      } else {
        mine.target = a.target;
      }
    }
  } else {
    out.warnings.push_back("the note has no Participants row");
  }

  for (const note::Section& s : sections->sections) {
    std::vector<std::string>* target = nullptr;
    switch (s.kind) {
      case SectionKind::kBackground:
        target = &out.background;
        break;
      case SectionKind::kObjectives:
        target = &out.objectives;
        break;
      case SectionKind::kHighlights:
        target = &out.highlights;
        break;
      case SectionKind::kAdditionalComments:
        target = &out.additional_comments;
        break;
    }
    target->insert(target->end(), s.entries.begin(), s.entries.end());
  }
  AddWarnings(sections->warnings, out.warnings);

  for (const auto* list : {&out.additional_comments, &out.highlights}) {
    for (const std::string& p : *list) {
      if (out.contact_email.empty()) out.contact_email = note::FindEmail(p);
    }
  }
  for (size_t i = 0; i < lines.size() && out.contact_email.empty(); ++i) {
    out.contact_email = note::FindEmail(lines[i].text);
    if (!out.contact_email.empty() &&
        out.lines[i].use == LineUse::kIgnored) {
      out.lines[i] = {lines[i].number, LineUse::kContact, "contact",
                      "the contact's address"};
    }
  }

  out.outcomes = note::ReadOutcomes(sections->sections, budget);
  if (!budget.status().ok()) return budget.status();
  if (static_cast<int>(out.outcomes.size()) > limits.max_outcomes) {
    return InvalidField(field, absl::StrCat("names more than ",
                                            limits.max_outcomes,
                                            " outcomes (max_outcomes)"));
  }

  if (out.disclaimer.empty()) {
    out.warnings.push_back("no disclaimer footnote found");
  }
  for (note::LineAccount& a : out.lines) {
    if (a.use == LineUse::kIgnored && a.detail.empty()) {
      a.detail = "not part of any field or section";
    }
  }
  return out;
}

}  // namespace outreach::gateway
