#include "services/web/pages.h"

#include <algorithm>
#include <cstdint>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/status/status_util.h"
#include "services/gateway/note_composer.h"
#include "services/gateway/note_renderer.h"

namespace outreach::web {
namespace {

using outreach::type::v1::Date;

// "EVENT_KIND_REGIONAL_WORKSHOP" -> "Regional workshop".
std::string EnumLabel(absl::string_view name, absl::string_view prefix) {
  absl::ConsumePrefix(&name, prefix);
  std::string out = absl::AsciiStrToLower(name);
  std::replace(out.begin(), out.end(), '_', ' ');
  if (!out.empty()) out[0] = absl::ascii_toupper(out[0]);
  return out;
}
std::string KindLabel(ev::EventKind k) {
  return EnumLabel(ev::EventKind_Name(k), "EVENT_KIND_");
}
std::string OutcomeKindLabel(rv::RecommendationKind k) {
  return EnumLabel(rv::RecommendationKind_Name(k), "RECOMMENDATION_KIND_");
}
std::string StatusLabel(rv::RecommendationStatus s) {
  return EnumLabel(rv::RecommendationStatus_Name(s), "RECOMMENDATION_STATUS_");
}
// "RECOMMENDATION_STATUS_IN_PROGRESS" -> "IN_PROGRESS", for CSS classes.
std::string StatusKey(absl::string_view name) {
  absl::ConsumePrefix(&name, "RECOMMENDATION_STATUS_");
  return std::string(name);
}

// "events/abc" -> "/events/abc"; the id percent-encoded.
std::string Href(absl::string_view resource) {
  const size_t slash = resource.find('/');
  if (slash == absl::string_view::npos) return "/";
  return absl::StrCat("/", resource.substr(0, slash), "/",
                      UrlEncode(resource.substr(slash + 1)));
}

std::string Dates(const ev::Event& e) {
  return gateway::FormatDateRange(e.start_date(), e.end_date());
}

std::string Venue(const Frame& f, const ev::Event& e) {
  std::vector<std::string> parts;
  if (!e.venue().city().empty()) parts.push_back(e.venue().city());
  if (!e.venue().country_code().empty()) {
    parts.push_back(f.countries != nullptr
                        ? gateway::CountryDisplayName(*f.countries,
                                                      e.venue().country_code())
                        : e.venue().country_code());
  }
  return absl::StrJoin(parts, ", ");
}

std::string Option(absl::string_view value, absl::string_view label,
                   absl::string_view selected) {
  return absl::StrCat("<option value=\"", Escape(value), "\"",
                      value == selected ? " selected" : "", ">", Escape(label),
                      "</option>");
}

std::string Hidden(absl::string_view name, absl::string_view value) {
  return absl::StrCat("<input type=\"hidden\" name=\"", Escape(name),
                      "\" value=\"", Escape(value), "\">");
}

std::string DateText(const Date& d) {
  if (d.year() == 0) return "";
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

// An outcome in a list: kind, status, text, and where it came from.
std::string OutcomeItem(const rv::Recommendation& r) {
  std::string out = absl::StrCat(
      "<li class=\"outcome\"><span class=\"tag\">",
      Escape(OutcomeKindLabel(r.kind())), "</span> <span class=\"status s-",
      Escape(StatusKey(rv::RecommendationStatus_Name(r.status()))), "\">",
      Escape(StatusLabel(r.status())), "</span> ", Escape(r.text()));
  if (r.due_date().year() != 0) {
    absl::StrAppend(&out, " <span class=\"due\">due ",
                    Escape(DateText(r.due_date())), "</span>");
  }
  if (!r.event().empty()) {
    absl::StrAppend(&out, " <a href=\"", Escape(Href(r.event())),
                    "\">the event</a>");
  }
  return out + "</li>\n";
}

std::string OutcomeList(const google::protobuf::RepeatedPtrField<
                            rv::Recommendation>& items,
                        absl::string_view none) {
  if (items.empty()) return absl::StrCat("<p>", Escape(none), "</p>\n");
  std::string out = "<ul class=\"outcomes\">\n";
  for (const auto& r : items) out += OutcomeItem(r);
  return out + "</ul>\n";
}

// A vertical bar per key, in the order given: the dashboard's years.
std::string ColumnChart(absl::string_view id, absl::string_view title,
                        const std::vector<std::pair<std::string, int64_t>>& bars) {
  int64_t max = 1;
  for (const auto& [k, n] : bars) max = std::max(max, n);
  const int step = 48, left = 16, base = 170, tall = 140;
  const int width = left * 2 + step * static_cast<int>(std::max<size_t>(bars.size(), 1));
  std::string out = absl::StrCat(
      "<svg class=\"chart\" id=\"", Escape(id), "\" role=\"img\" aria-labelledby=\"",
      Escape(id), "-title\" width=\"", width, "\" height=\"200\" viewBox=\"0 0 ",
      width, " 200\"><title id=\"", Escape(id), "-title\">", Escape(title),
      "</title>\n<line class=\"axis\" x1=\"", left, "\" y1=\"", base,
      "\" x2=\"", width - left, "\" y2=\"", base, "\"/>\n");
  int x = left + 8;
  for (const auto& [key, n] : bars) {
    const int h = static_cast<int>(tall * n / max);
    absl::StrAppend(
        &out, "<g class=\"column\"><rect class=\"bar bar-", Escape(id),
        "\" data-key=\"", Escape(key), "\" data-count=\"", n, "\" x=\"", x,
        "\" y=\"", base - h, "\" width=\"", step - 16, "\" height=\"", h,
        "\"><title>", Escape(key), ": ", n, "</title></rect><text x=\"",
        x + (step - 16) / 2, "\" y=\"", base + 16,
        "\" text-anchor=\"middle\">", Escape(key), "</text><text x=\"",
        x + (step - 16) / 2, "\" y=\"", base - h - 4,
        "\" text-anchor=\"middle\">", n, "</text></g>\n");
    x += step;
  }
  return out + "</svg>\n";
}

// A horizontal bar `n / max` of `width`, for a table cell.
std::string InlineBar(int64_t n, int64_t max, int width) {
  const int w = max > 0 ? static_cast<int>(width * n / max) : 0;
  return absl::StrCat("<svg class=\"inline-bar\" width=\"", width,
                      "\" height=\"14\" aria-hidden=\"true\"><rect class=\"bar\" "
                      "width=\"",
                      std::max(w, 1), "\" height=\"14\"/></svg>");
}

constexpr const char* kStatusesShown[] = {
    "PROPOSED",  "ADOPTED",  "IN_PROGRESS", "IMPLEMENTED", "DROPPED",
    "IDENTIFIED", "REQUESTED", "ACKNOWLEDGED", "MATCHED", "DELIVERED",
    "CLOSED",    "SCHEDULED", "DONE"};

}  // namespace

const char kStyleSheet[] = R"css(
:root{--ink:#1d2733;--muted:#55606e;--line:#c9d1db;--accent:#1f5f9f;--bg:#fff}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg);margin:0;line-height:1.45}
header.site{background:#14324f;color:#fff;padding:.6rem 1.2rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between}
header.site a{color:#fff;margin-right:1rem;text-decoration:none;font-weight:600}
header.site a[aria-current]{text-decoration:underline}
header.site form{display:inline-flex;gap:.3rem;align-items:center}
header.site label{font-size:.85rem}
.who{margin:0;font-size:.85rem}
main{max-width:64rem;margin:1.5rem auto;padding:0 1.2rem}
h1{font-size:1.6rem}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
form.filters{display:flex;flex-wrap:wrap;gap:.8rem;align-items:flex-end;margin:1rem 0}
form.filters label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
input,select,textarea,button{font:inherit}
textarea{width:100%;min-height:16rem}
button{background:var(--accent);color:#fff;border:0;padding:.35rem .9rem;border-radius:3px;cursor:pointer}
.notice{background:#e8f3e8;border-left:4px solid #2e7d32;padding:.5rem .8rem}
.error{background:#fdecea;border-left:4px solid #b3261e;padding:.5rem .8rem}
.flag{color:#b3261e;font-weight:600}
.ok{color:#2e7d32}
.tag{font-size:.8rem;background:#eef2f6;padding:0 .3rem;border-radius:3px}
.status{font-size:.8rem;font-weight:600}
.pager{margin:1rem 0}
svg.chart text{font-size:11px;fill:var(--ink)}
svg .axis{stroke:var(--muted)}
svg .bar{fill:var(--accent)}
svg .event-dot{fill:#c75b12}
.seg.s-PROPOSED,.swatch.s-PROPOSED{fill:#8aa9c9}.seg.s-ADOPTED,.swatch.s-ADOPTED{fill:#4f7fb0}
.seg.s-IN_PROGRESS,.swatch.s-IN_PROGRESS{fill:#e0a030}.seg.s-IMPLEMENTED,.swatch.s-IMPLEMENTED{fill:#2e7d32}
.seg.s-DROPPED,.swatch.s-DROPPED{fill:#9e9e9e}.seg.s-IDENTIFIED,.swatch.s-IDENTIFIED{fill:#b07cc6}
.seg.s-REQUESTED,.swatch.s-REQUESTED{fill:#7e57c2}.seg.s-ACKNOWLEDGED,.swatch.s-ACKNOWLEDGED{fill:#5c6bc0}
.seg.s-MATCHED,.swatch.s-MATCHED{fill:#26a69a}.seg.s-DELIVERED,.swatch.s-DELIVERED{fill:#00796b}
.seg.s-CLOSED,.swatch.s-CLOSED{fill:#607d8b}.seg.s-SCHEDULED,.swatch.s-SCHEDULED{fill:#f06292}
.seg.s-DONE,.swatch.s-DONE{fill:#388e3c}
ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1rem}
article.note{font-family:Georgia,serif;max-width:48rem}
article.note table th{width:11rem}
article.note td,article.note th{border:1px solid #444}
.footnote{font-size:.85em;border-top:1px solid #444;margin-top:2rem}
.transition{display:flex;gap:.3rem;flex-wrap:wrap;align-items:center}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media print{
 header.site,nav,form,.pager,.screen-only{display:none}
 main{max-width:none;margin:0;padding:0}
 body{font-family:Georgia,serif}
 a{color:inherit;text-decoration:none}
}
)css";

const char kIcon[] =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\">"
    "<rect width=\"16\" height=\"16\" rx=\"3\" fill=\"#14324f\"/>"
    "<text x=\"8\" y=\"12\" font-size=\"10\" text-anchor=\"middle\" "
    "fill=\"#fff\">O</text></svg>";

std::string Escape(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string UrlEncode(absl::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' ||
        c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string Page(const Frame& f, absl::string_view title,
                 absl::string_view body) {
  auto nav = [&](absl::string_view key, absl::string_view href,
                 absl::string_view label) {
    return absl::StrCat("<a href=\"", href, "\"",
                        f.active == key ? " aria-current=\"page\"" : "", ">",
                        label, "</a>");
  };
  std::string who;
  if (f.person != nullptr) {
    who = absl::StrCat("<p class=\"who\">Signed in as ",
                       Escape(f.person->subject), " (",
                       Escape(f.person->role), ")</p>");
  }
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>",
      Escape(title),
      " - Outreach</title>\n"
      "<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
      "<link rel=\"icon\" href=\"/static/icon.svg\" type=\"image/svg+xml\">\n"
      "</head>\n<body>\n<header class=\"site\">\n<nav aria-label=\"Main\">",
      nav("events", "/", "Events"), nav("dashboard", "/dashboard", "Dashboard"),
      nav("outcomes", "/outcomes", "Outcomes"),
      nav("import", "/import", "Import a note"),
      "</nav>\n<form action=\"/profile\" method=\"get\" role=\"search\">"
      "<label for=\"profile-entity\">State or organization</label>"
      "<input id=\"profile-entity\" name=\"entity\" type=\"search\" "
      "maxlength=\"200\" placeholder=\"Moldova\">"
      "<button type=\"submit\">Profile</button></form>\n",
      who, "</header>\n<main id=\"main\">\n", body, "</main>\n</body>\n</html>\n");
}

std::string EventsPage(const Frame& f, const EventsQuery& q,
                       const ev::ListEventsResponse& page) {
  std::string kinds = Option("", "Any kind", q.kind);
  for (int k = 1; k <= ev::EventKind_MAX; ++k) {
    if (!ev::EventKind_IsValid(k)) continue;
    const auto kind = static_cast<ev::EventKind>(k);
    absl::string_view key = ev::EventKind_Name(kind);
    absl::ConsumePrefix(&key, "EVENT_KIND_");
    kinds += Option(key, KindLabel(kind), q.kind);
  }
  std::string body = absl::StrCat(
      "<h1>Events</h1>\n<form class=\"filters\" method=\"get\" action=\"/\">"
      "<label for=\"f-year\">Year<input id=\"f-year\" name=\"year\" "
      "inputmode=\"numeric\" pattern=\"[0-9]{4}\" maxlength=\"4\" size=\"5\" value=\"",
      Escape(q.year),
      "\"></label><label for=\"f-country\">Country (ISO code)<input "
      "id=\"f-country\" name=\"country\" maxlength=\"2\" size=\"3\" value=\"",
      Escape(q.country), "\"></label><label for=\"f-kind\">Kind<select "
      "id=\"f-kind\" name=\"kind\">",
      kinds,
      "</select></label><label for=\"f-text\">Text<input id=\"f-text\" "
      "name=\"text\" type=\"search\" maxlength=\"200\" value=\"",
      Escape(q.text),
      "\"></label><button type=\"submit\">Filter</button></form>\n");
  if (page.events().empty()) {
    absl::StrAppend(&body, "<p>No event matches.</p>\n");
  } else {
    absl::StrAppend(&body,
                    "<table class=\"events\">\n<caption class=\"visually-hidden\">"
                    "Events, newest first</caption>\n<thead><tr><th scope=\"col\">"
                    "Event</th><th scope=\"col\">Dates</th><th scope=\"col\">"
                    "Venue</th><th scope=\"col\">Kind</th></tr></thead>\n<tbody>\n");
    for (const auto& e : page.events()) {
      absl::StrAppend(
          &body, "<tr><td><a class=\"event-link\" href=\"", Escape(Href(e.name())),
          "\">", Escape(e.title()), "</a>",
          e.note_import().state() == ev::IMPORT_STATE_IMPORTING
              ? " <span class=\"flag\">(import not finished)</span>"
              : "",
          "</td><td>", Escape(Dates(e)), "</td><td>", Escape(Venue(f, e)),
          "</td><td>", Escape(KindLabel(e.kind())), "</td></tr>\n");
    }
    absl::StrAppend(&body, "</tbody>\n</table>\n");
  }
  if (!page.next_page_token().empty()) {
    absl::StrAppend(
        &body, "<p class=\"pager\"><a rel=\"next\" href=\"/?year=",
        Escape(UrlEncode(q.year)), "&amp;country=", Escape(UrlEncode(q.country)),
        "&amp;kind=", Escape(UrlEncode(q.kind)), "&amp;text=",
        Escape(UrlEncode(q.text)), "&amp;page_token=",
        Escape(UrlEncode(page.next_page_token())), "\">Next page</a></p>\n");
  }
  return Page(f, "Events", body);
}

std::string NotePage(const Frame& f, const gv::InformationNote& note,
                     bool just_imported) {
  static const CountryRegistry kNoCountries;
  const gateway::ParsedNote view = gateway::NoteView(
      note, f.countries != nullptr ? *f.countries : kNoCountries);
  gateway::HtmlLinks links;
  for (const auto& g : note.participant_groups()) {
    for (const auto& p : g.participations()) {
      links.participants.push_back(p.entity().empty() ? "" : Href(p.entity()));
    }
  }
  std::string body;
  if (just_imported) {
    body += "<p class=\"notice screen-only\" role=\"status\">Imported. This is "
            "the note rebuilt from the records.</p>\n";
  }
  if (note.partial()) {
    absl::StrAppend(&body,
                    "<p class=\"error screen-only\" role=\"status\">Part of this "
                    "note could not be had in time: ",
                    Escape(absl::StrJoin(note.missing_parts(), ", ")),
                    ".</p>\n");
  }
  body += gateway::RenderHtmlArticle(view, links);
  absl::StrAppend(&body, "<section class=\"screen-only\"><h2>Outcomes</h2>\n",
                  OutcomeList(note.outcomes(), "No outcome is recorded."));
  if (!note.membership_warnings().empty()) {
    body += "<h2>Membership warnings</h2>\n<ul>\n";
    for (const auto& m : note.membership_warnings()) {
      absl::StrAppend(&body, "<li>", Escape(m.printed_name()),
                      " was not a member of its printed group on the event's "
                      "date</li>\n");
    }
    body += "</ul>\n";
  }
  absl::StrAppend(&body, "<p><a href=\"/v1/events/",
                  Escape(UrlEncode(note.event().name().substr(
                      std::min<size_t>(7, note.event().name().size())))),
                  "/note\">This note as JSON</a></p></section>\n");
  return Page(f, note.event().title(), body);
}

std::string ProfilePage(const Frame& f, const gv::StateProfile& profile) {
  const pv::Entity& e = profile.entity();
  std::string body = absl::StrCat("<h1>", Escape(e.display_name()), "</h1>\n<p>",
                                  e.kind() == pv::ENTITY_KIND_STATE ? "State"
                                                                    : "Organization");
  if (!e.iso_alpha2().empty()) {
    absl::StrAppend(&body, " (", Escape(e.iso_alpha2()), ")");
  }
  absl::StrAppend(&body, "; ", profile.events_size(), " events attended.</p>\n");
  if (profile.partial()) {
    absl::StrAppend(&body, "<p class=\"error\" role=\"status\">Incomplete: ",
                    Escape(absl::StrJoin(profile.missing_parts(), ", ")),
                    " could not be had in time.</p>\n");
  }
  body += "<h2>Events attended</h2>\n";
  if (profile.events().empty()) {
    body += "<p>None recorded.</p>\n";
  } else {
    // The timeline: one dot per event on a line of years.
    int first = 9999, last = 0;
    for (const auto& a : profile.events()) {
      const int y = a.event().start_date().year();
      if (y == 0) continue;
      first = std::min(first, y);
      last = std::max(last, y);
    }
    if (first > last) first = last = 2000;
    first -= 1;
    last += 1;
    const int width = 640, left = 30, right = 30, axis = 60;
    const double span = last - first;
    auto x_of = [&](const Date& d) {
      const double t = d.year() + (std::max(d.month(), 1) - 1) / 12.0 +
                       (std::max(d.day(), 1) - 1) / 372.0;
      return left + (t - first) / span * (width - left - right);
    };
    absl::StrAppend(&body,
                    "<svg class=\"chart timeline\" id=\"timeline\" role=\"img\" "
                    "aria-labelledby=\"timeline-title\" width=\"",
                    width, "\" height=\"100\" viewBox=\"0 0 ", width,
                    " 100\"><title id=\"timeline-title\">Events attended, ",
                    first + 1, " to ", last - 1, "</title>\n<line class=\"axis\" x1=\"",
                    left, "\" y1=\"", axis, "\" x2=\"", width - right, "\" y2=\"",
                    axis, "\"/>\n");
    for (int y = first; y <= last; ++y) {
      Date d;
      d.set_year(y);
      d.set_month(1);
      d.set_day(1);
      const double x = x_of(d);
      absl::StrAppend(&body, absl::StrFormat(
                                 "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" "
                                 "x2=\"%.1f\" y2=\"%d\"/><text x=\"%.1f\" "
                                 "y=\"%d\" text-anchor=\"middle\">%d</text>\n",
                                 x, axis - 4, x, axis + 4, x, axis + 20, y));
    }
    int i = 0;
    for (const auto& a : profile.events()) {
      const double x = x_of(a.event().start_date());
      absl::StrAppend(
          &body,
          absl::StrFormat("<a href=\"%s\"><circle class=\"event-dot\" cx=\"%.1f\" "
                          "cy=\"%d\" r=\"6\"><title>%s, %s</title></circle></a>\n",
                          Escape(Href(a.event().name())), x,
                          axis - 14 - (i % 3) * 10, Escape(a.event().title()),
                          Escape(Dates(a.event()))));
      ++i;
    }
    body += "</svg>\n<table>\n<thead><tr><th scope=\"col\">Dates</th>"
            "<th scope=\"col\">Event</th><th scope=\"col\">Listed as</th>"
            "</tr></thead>\n<tbody>\n";
    for (const auto& a : profile.events()) {
      std::vector<std::string> as;
      for (const auto& p : a.participations()) {
        as.push_back(p.printed_group().empty()
                         ? p.printed_name()
                         : absl::StrCat(p.printed_name(), " (",
                                        p.printed_group(), ")"));
      }
      absl::StrAppend(&body, "<tr><td>", Escape(Dates(a.event())),
                      "</td><td><a href=\"", Escape(Href(a.event().name())), "\">",
                      Escape(a.event().title()), "</a></td><td>",
                      Escape(absl::StrJoin(as, "; ")), "</td></tr>\n");
    }
    body += "</tbody>\n</table>\n";
  }
  absl::StrAppend(&body, "<h2>Outcomes addressed to it</h2>\n",
                  OutcomeList(profile.outcomes(), "None recorded."),
                  "<h2>Open follow-ups</h2>\n",
                  OutcomeList(profile.open_follow_ups(), "None open."));
  return Page(f, e.display_name(), body);
}

std::string DashboardPage(const Frame& f, const gv::Dashboard& d,
                          const std::vector<rv::Recommendation>& overdue,
                          absl::string_view today) {
  std::string body = absl::StrCat("<h1>Dashboard</h1>\n<p>", d.event_count(),
                                  " events recorded.</p>\n");
  if (d.partial()) {
    absl::StrAppend(&body, "<p class=\"error\" role=\"status\">Incomplete: ",
                    Escape(absl::StrJoin(d.missing_parts(), ", ")),
                    " could not be had in time.</p>\n");
  }
  // Years in calendar order, one bar each.
  std::vector<std::pair<std::string, int64_t>> years;
  for (const auto& c : d.events_by_year()) years.emplace_back(c.key(), c.count());
  std::sort(years.begin(), years.end());
  absl::StrAppend(&body, "<h2>Events per year</h2>\n",
                  ColumnChart("year", "Events per year", years));

  body += "<h2>Events per country</h2>\n";
  if (d.events_by_country().empty()) {
    body += "<p>No event has a country.</p>\n";
  } else {
    const int64_t max = d.events_by_country(0).count();
    body += "<table class=\"ranked\">\n<thead><tr><th scope=\"col\">Rank</th>"
            "<th scope=\"col\">Country</th><th scope=\"col\">Events</th>"
            "<th scope=\"col\"><span class=\"visually-hidden\">Share</span></th>"
            "</tr></thead>\n<tbody>\n";
    int rank = 0;
    for (const auto& c : d.events_by_country()) {
      const std::string name =
          f.countries != nullptr
              ? gateway::CountryDisplayName(*f.countries, c.key())
              : c.key();
      absl::StrAppend(&body, "<tr><td>", ++rank, "</td><td><a href=\"/?country=",
                      Escape(UrlEncode(c.key())), "\">", Escape(name),
                      "</a></td><td>", c.count(), "</td><td>",
                      InlineBar(c.count(), max, 200), "</td></tr>\n");
    }
    body += "</tbody>\n</table>\n";
  }

  body += "<h2>Outcomes by area and status</h2>\n";
  if (d.outcomes_by_area_and_status().empty()) {
    body += "<p>No outcome is recorded.</p>\n";
  } else {
    int64_t max = 1;
    for (const auto& a : d.outcomes_by_area_and_status()) max = std::max(max, a.total());
    const int row = 26, label = 200, bar = 400;
    const int height = row * d.outcomes_by_area_and_status_size() + 10;
    absl::StrAppend(&body,
                    "<svg class=\"chart\" id=\"areas\" role=\"img\" "
                    "aria-labelledby=\"areas-title\" width=\"",
                    label + bar + 60, "\" height=\"", height, "\" viewBox=\"0 0 ",
                    label + bar + 60, " ", height,
                    "\"><title id=\"areas-title\">Outcomes by area, stacked by "
                    "status</title>\n");
    std::map<std::string, bool> used;
    int y = 4;
    for (const auto& a : d.outcomes_by_area_and_status()) {
      const std::string area = a.area().empty() ? "(no area given)" : a.area();
      absl::StrAppend(&body, "<g class=\"area\" data-area=\"", Escape(a.area()),
                      "\"><text x=\"0\" y=\"", y + 15, "\">", Escape(area),
                      "</text>");
      double x = label;
      for (const auto& s : a.by_status()) {
        const std::string key = StatusKey(s.key());
        used[key] = true;
        const double w = static_cast<double>(bar) * s.count() / max;
        absl::StrAppend(&body,
                        absl::StrFormat("<rect class=\"seg s-%s\" data-status=\"%s\" "
                                        "data-count=\"%d\" x=\"%.1f\" y=\"%d\" "
                                        "width=\"%.1f\" height=\"%d\"><title>%s, %s: "
                                        "%d</title></rect>",
                                        Escape(key), Escape(key), s.count(), x, y,
                                        w, row - 8, Escape(area),
                                        Escape(EnumLabel(key, "")), s.count()));
        x += w;
      }
      absl::StrAppend(&body, absl::StrFormat("<text x=\"%.1f\" y=\"%d\">%d</text>",
                                             x + 6, y + 15, a.total()),
                      "</g>\n");
      y += row;
    }
    body += "</svg>\n<ul class=\"legend\">";
    for (const char* key : kStatusesShown) {
      if (!used.count(key)) continue;
      absl::StrAppend(&body,
                      "<li><svg width=\"12\" height=\"12\" aria-hidden=\"true\">"
                      "<rect class=\"swatch s-",
                      key, "\" width=\"12\" height=\"12\"/></svg> ",
                      Escape(EnumLabel(key, "")), "</li>");
    }
    body += "</ul>\n";
  }

  absl::StrAppend(&body, "<h2>Overdue follow-ups</h2>\n<p>Due before ",
                  Escape(today), " and not done or dropped.</p>\n");
  if (overdue.empty()) {
    body += "<p>None overdue.</p>\n";
  } else {
    body += "<ul class=\"outcomes overdue\">\n";
    for (const auto& r : overdue) body += OutcomeItem(r);
    body += "</ul>\n";
  }
  return Page(f, "Dashboard", body);
}

std::string ImportFormPage(const Frame& f, const absl::Status& error,
                           absl::string_view text) {
  std::string body = "<h1>Import an information note</h1>\n";
  if (!error.ok()) {
    absl::StrAppend(&body, "<div class=\"error\" role=\"alert\"><p>",
                    Escape(error.message()), "</p>");
    const auto violations = GetFieldViolations(error);
    if (!violations.empty()) {
      body += "<ul>";
      for (const auto& v : violations) {
        absl::StrAppend(&body, "<li><code>", Escape(v.field), "</code> ",
                        Escape(v.description), "</li>");
      }
      body += "</ul>";
    }
    body += "</div>\n";
  }
  if (f.person != nullptr && !f.person->MayEdit()) {
    body += "<p class=\"notice\">You may check a note here; importing it "
            "needs an editor.</p>\n";
  }
  absl::StrAppend(
      &body,
      "<p>Paste the note's text as extracted from its PDF, or choose a text "
      "file. You will see what would be created, line by line, before "
      "anything is.</p>\n<form method=\"post\" action=\"/import\" "
      "enctype=\"multipart/form-data\">",
      Hidden("csrf", f.csrf),
      "<p><label for=\"note-text\">Note text</label><br><textarea "
      "id=\"note-text\" name=\"text\" spellcheck=\"false\">",
      Escape(text),
      "</textarea></p><p><label for=\"note-file\">Or a text file</label> "
      "<input id=\"note-file\" name=\"file\" type=\"file\" "
      "accept=\".txt,text/plain\"></p><p><button type=\"submit\">Check the "
      "note</button></p></form>\n");
  return Page(f, "Import a note", body);
}

std::string ImportReportPage(const Frame& f, const gv::ImportReport& r,
                             absl::string_view text) {
  const ev::Event& e = r.event();
  int unresolved = 0;
  for (const auto& p : r.participations()) {
    if (p.resolution_state() != pv::RESOLUTION_STATE_RESOLVED) ++unresolved;
  }
  // Lines of the text as sent, to show that each has an account.
  int64_t lines = text.empty() ? 0 : 1;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && i + 1 < text.size()) ++lines;
  }
  std::string body = absl::StrCat(
      "<h1>Check before importing: ", Escape(e.title()), "</h1>\n",
      r.already_imported()
          ? "<p class=\"notice\" role=\"status\">This note was imported before: "
            "importing it again creates nothing.</p>\n"
          : "",
      "<p>", r.participations_size(), " participants (",
      unresolved == 0 ? "<span class=\"ok\">all resolved</span>"
                      : absl::StrCat("<span class=\"flag\">", unresolved,
                                     " not resolved</span>"),
      "), ", r.outcomes_size(), " outcomes, ", r.lines_size(), " of ", lines,
      " lines accounted for.</p>\n<h2>Event</h2>\n<table>\n<tr><th scope=\"row\">"
      "Title</th><td>",
      Escape(e.title()), "</td></tr>\n<tr><th scope=\"row\">Dates</th><td>",
      Escape(Dates(e)), "</td></tr>\n<tr><th scope=\"row\">Venue</th><td>",
      Escape(Venue(f, e)), r.printed_country().empty() ? "" : " (printed: ",
      Escape(r.printed_country()), r.printed_country().empty() ? "" : ")",
      "</td></tr>\n<tr><th scope=\"row\">Kind</th><td>", Escape(KindLabel(e.kind())),
      "</td></tr>\n</table>\n");
  // The confirm form first, so that a long report need not be scrolled.
  if (f.person == nullptr || f.person->MayEdit()) {
    absl::StrAppend(
        &body,
        "<form method=\"post\" action=\"/import\" enctype=\"multipart/form-data\">",
        Hidden("csrf", f.csrf), Hidden("confirm", "yes"),
        "<label class=\"visually-hidden\" for=\"confirm-text\">The note "
        "text</label><textarea class=\"visually-hidden\" id=\"confirm-text\" "
        "name=\"text\" readonly tabindex=\"-1\">",
        Escape(text),
        "</textarea><button type=\"submit\">Import this note</button> "
        "<a href=\"/import\">Start again</a></form>\n");
  }
  if (!r.warnings().empty()) {
    body += "<h2>Warnings</h2>\n<ul class=\"warnings\">\n";
    for (const auto& w : r.warnings()) {
      absl::StrAppend(&body, "<li>", Escape(w), "</li>\n");
    }
    body += "</ul>\n";
  }
  body += "<h2>Participants</h2>\n<table class=\"participants\">\n<thead><tr>"
          "<th scope=\"col\">Line</th><th scope=\"col\">As printed</th>"
          "<th scope=\"col\">Group</th><th scope=\"col\">Resolved to</th>"
          "</tr></thead>\n<tbody>\n";
  for (const auto& p : r.participations()) {
    std::string to;
    if (p.resolution_state() == pv::RESOLUTION_STATE_RESOLVED) {
      to = absl::StrCat("<span class=\"ok\">", Escape(p.entity()),
                        p.iso_alpha2().empty() ? "" : " (",
                        Escape(p.iso_alpha2()),
                        p.iso_alpha2().empty() ? "" : ")", "</span>");
    } else {
      std::vector<std::string> near;
      for (const auto& c : p.candidates()) near.push_back(Escape(c.display_name()));
      to = absl::StrCat(
          "<span class=\"flag\">",
          p.resolution_state() == pv::RESOLUTION_STATE_AMBIGUOUS ? "Ambiguous"
                                                                 : "Not resolved",
          "</span>",
          near.empty() ? "" : absl::StrCat(": perhaps ", absl::StrJoin(near, ", ")));
    }
    absl::StrAppend(&body, "<tr><td>", p.line(), "</td><td>",
                    Escape(p.printed_name()), "</td><td>",
                    Escape(p.printed_group()), "</td><td>", to, "</td></tr>\n");
  }
  body += "</tbody>\n</table>\n<h2>Outcomes read from the prose</h2>\n";
  body += OutcomeList(r.outcomes(), "None.");
  body += "<h2>Every line</h2>\n<table class=\"lines\">\n<thead><tr>"
          "<th scope=\"col\">Line</th><th scope=\"col\">Read as</th>"
          "<th scope=\"col\">Went to</th><th scope=\"col\">Why</th></tr>"
          "</thead>\n<tbody>\n";
  for (const auto& l : r.lines()) {
    absl::StrAppend(&body, "<tr><td>", l.line(), "</td><td>",
                    Escape(EnumLabel(gv::LineUse_Name(l.use()), "LINE_USE_")),
                    "</td><td>", Escape(l.target()), "</td><td>",
                    Escape(l.detail()), "</td></tr>\n");
  }
  body += "</tbody>\n</table>\n";
  return Page(f, "Check before importing", body);
}

std::string OutcomesPage(const Frame& f, const OutcomesQuery& q,
                         const rv::ListRecommendationsResponse& page,
                         absl::string_view today) {
  std::string kinds = Option("", "Any kind", q.kind);
  for (int k = 1; k <= rv::RecommendationKind_MAX; ++k) {
    if (!rv::RecommendationKind_IsValid(k)) continue;
    const auto kind = static_cast<rv::RecommendationKind>(k);
    absl::string_view key = rv::RecommendationKind_Name(kind);
    absl::ConsumePrefix(&key, "RECOMMENDATION_KIND_");
    kinds += Option(key, OutcomeKindLabel(kind), q.kind);
  }
  std::string statuses = Option("", "Any status", q.status);
  std::string moves;
  for (int s = 1; s <= rv::RecommendationStatus_MAX; ++s) {
    if (!rv::RecommendationStatus_IsValid(s)) continue;
    const auto status = static_cast<rv::RecommendationStatus>(s);
    const std::string key = StatusKey(rv::RecommendationStatus_Name(status));
    statuses += Option(key, StatusLabel(status), q.status);
    moves += Option(key, StatusLabel(status), "");
  }
  std::string body = absl::StrCat(
      "<h1>Outcomes</h1>\n",
      q.moved.empty() ? ""
                      : absl::StrCat("<p class=\"notice\" role=\"status\">Moved ",
                                     Escape(q.moved), ".</p>\n"),
      "<form class=\"filters\" method=\"get\" action=\"/outcomes\">"
      "<label for=\"o-kind\">Kind<select id=\"o-kind\" name=\"kind\">",
      kinds,
      "</select></label><label for=\"o-status\">Status<select id=\"o-status\" "
      "name=\"status\">",
      statuses,
      "</select></label><label for=\"o-overdue\">Overdue on ", Escape(today),
      "<input id=\"o-overdue\" type=\"checkbox\" name=\"overdue\" value=\"1\"",
      q.overdue ? " checked" : "",
      "></label><button type=\"submit\">Filter</button></form>\n");
  if (page.recommendations().empty()) {
    body += "<p>No outcome matches.</p>\n";
  } else {
    body += "<table class=\"outcomes\">\n<thead><tr><th scope=\"col\">Kind</th>"
            "<th scope=\"col\">Status</th><th scope=\"col\">Outcome</th>"
            "<th scope=\"col\">Due</th>";
    const bool edit = f.person == nullptr || f.person->MayEdit();
    if (edit) body += "<th scope=\"col\">Move to</th>";
    body += "</tr></thead>\n<tbody>\n";
    int i = 0;
    for (const auto& r : page.recommendations()) {
      ++i;
      absl::StrAppend(
          &body, "<tr><td>", Escape(OutcomeKindLabel(r.kind())),
          "</td><td><span class=\"status s-",
          Escape(StatusKey(rv::RecommendationStatus_Name(r.status()))), "\">",
          Escape(StatusLabel(r.status())), "</span></td><td>", Escape(r.text()),
          r.event().empty()
              ? ""
              : absl::StrCat(" <a href=\"", Escape(Href(r.event())),
                             "\">event</a>"),
          "</td><td>", Escape(DateText(r.due_date())), "</td>");
      if (edit) {
        absl::StrAppend(
            &body,
            "<td><form class=\"transition\" method=\"post\" "
            "action=\"/outcomes/transition\">",
            Hidden("csrf", f.csrf), Hidden("name", r.name()),
            Hidden("etag", r.etag()), "<label class=\"visually-hidden\" for=\"to-",
            i, "\">New status</label><select id=\"to-", i, "\" name=\"status\">",
            moves, "</select><label class=\"visually-hidden\" for=\"why-", i,
            "\">Why</label><input id=\"why-", i,
            "\" name=\"note\" maxlength=\"2000\" placeholder=\"why\">"
            "<button type=\"submit\">Move</button></form></td>");
      }
      body += "</tr>\n";
    }
    body += "</tbody>\n</table>\n";
  }
  if (!page.next_page_token().empty()) {
    absl::StrAppend(&body, "<p class=\"pager\"><a rel=\"next\" href=\"/outcomes?kind=",
                    Escape(UrlEncode(q.kind)), "&amp;status=",
                    Escape(UrlEncode(q.status)), q.overdue ? "&amp;overdue=1" : "",
                    "&amp;page_token=", Escape(UrlEncode(page.next_page_token())),
                    "\">Next page</a></p>\n");
  }
  return Page(f, "Outcomes", body);
}

std::string ErrorPage(const Frame& f, const absl::Status& status) {
  std::string body = absl::StrCat(
      "<h1>", Escape(absl::StatusCodeToString(status.code())),
      "</h1>\n<p class=\"error\" role=\"alert\">", Escape(status.message()),
      "</p>\n");
  const auto violations = GetFieldViolations(status);
  if (!violations.empty()) {
    body += "<ul>";
    for (const auto& v : violations) {
      absl::StrAppend(&body, "<li><code>", Escape(v.field), "</code> ",
                      Escape(v.description), "</li>");
    }
    body += "</ul>\n";
  }
  body += "<p><a href=\"/\">Back to the events</a></p>\n";
  return Page(f, "Error", body);
}

}  // namespace outreach::web
