#include "services/gateway/note_renderer.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace outreach::gateway {
namespace {

using outreach::type::v1::Date;

const char* MonthName(int m) {
  static const char* const kMonths[] = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  return m >= 1 && m <= 12 ? kMonths[m - 1] : "";
}

// "A", "A and B", "A, B and C".
std::string JoinWithAnd(const std::vector<std::string>& items) {
  if (items.size() <= 1) return items.empty() ? "" : items[0];
  return absl::StrCat(absl::StrJoin(items.begin(), items.end() - 1, ", "),
                      " and ", items.back());
}

std::string DateAndVenue(const ParsedNote& n) {
  std::vector<std::string> parts;
  if (n.start_date.year() != 0) {
    parts.push_back(FormatDateRange(n.start_date, n.end_date));
  }
  if (!n.city.empty()) parts.push_back(n.city);
  if (!n.country.empty()) parts.push_back(n.country);
  return absl::StrJoin(parts, ", ");
}

std::string Organizers(const ParsedNote& n) {
  std::vector<std::string> hosts, co, supporters;
  for (const auto& o : n.organizers) {
    if (o.role == OrganizerRole::kHost) {
      hosts.push_back(o.printed_name);
    } else if (o.role == OrganizerRole::kSupporter) {
      supporters.push_back(o.printed_name);
    } else {
      co.push_back(o.printed_name);
    }
  }
  std::string out = JoinWithAnd(hosts);
  if (!co.empty()) {
    absl::StrAppend(&out, out.empty() ? "" : " in cooperation with ",
                    JoinWithAnd(co));
  }
  if (!supporters.empty()) {
    absl::StrAppend(&out, out.empty() ? "" : " with the support of ",
                    JoinWithAnd(supporters));
  }
  return out;
}

struct Group {
  std::string label;
  std::vector<std::string> names;
  // Of each name, its index in ParsedNote::participants.
  std::vector<size_t> indices;
};

// Participants grouped by printed label, in printed order.
std::vector<Group> Groups(const ParsedNote& n) {
  std::vector<Group> groups;
  for (size_t i = 0; i < n.participants.size(); ++i) {
    const auto& p = n.participants[i];
    if (groups.empty() || groups.back().label != p.printed_group) {
      groups.push_back({p.printed_group, {}, {}});
    }
    groups.back().names.push_back(p.printed_name);
    groups.back().indices.push_back(i);
  }
  return groups;
}

std::string Participants(const ParsedNote& n) {
  std::vector<std::string> parts;
  for (const auto& g : Groups(n)) {
    const std::string names = absl::StrJoin(g.names, ", ");
    parts.push_back(g.label.empty() ? names
                                    : absl::StrCat(g.label, ": ", names));
  }
  return absl::StrJoin(parts, " ");
}

struct SectionView {
  const char* heading;
  const std::vector<std::string>* entries;
  bool bullets;
};

std::vector<SectionView> Sections(const ParsedNote& n) {
  return {{"Background", &n.background, true},
          {"Objectives for 1540 expert participation", &n.objectives, true},
          {"Highlights", &n.highlights, false},
          {"Additional comments", &n.additional_comments, false}};
}

// The contact line, unless the comments already carry the address.
std::string ContactLine(const ParsedNote& n) {
  if (n.contact_email.empty()) return "";
  for (const auto& c : n.additional_comments) {
    if (absl::StrContains(c, n.contact_email)) return "";
  }
  return absl::StrCat(
      "For further information, please contact the 1540 Committee's group "
      "of experts by email at ",
      n.contact_email);
}

std::string Disclaimer(const ParsedNote& n) {
  return n.disclaimer.empty() ? kDefaultDisclaimer : n.disclaimer;
}

std::string Html(absl::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// Markdown table cells and text: escape what would change the layout.
std::string Md(absl::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|' || c == '*' || c == '_' || c == '`' || c == '[' || c == ']' ||
        c == '<' || c == '>' || c == '#' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c == '\n' ? ' ' : c);
  }
  return out;
}

}  // namespace

std::string FormatDateRange(const Date& start, const Date& end) {
  const Date& e = end.year() == 0 ? start : end;
  if (start.year() == 0) return "";
  if (start.year() == e.year() && start.month() == e.month()) {
    if (start.day() == e.day()) {
      return absl::StrCat(start.day(), " ", MonthName(start.month()), " ",
                          start.year());
    }
    return absl::StrCat(start.day(), "-", e.day(), " ", MonthName(e.month()),
                        " ", e.year());
  }
  if (start.year() == e.year()) {
    return absl::StrCat(start.day(), " ", MonthName(start.month()), " - ",
                        e.day(), " ", MonthName(e.month()), " ", e.year());
  }
  return absl::StrCat(start.day(), " ", MonthName(start.month()), " ",
                      start.year(), " - ", e.day(), " ", MonthName(e.month()),
                      " ", e.year());
}

std::string RenderText(const ParsedNote& n) {
  std::string out = "Information Note\u00b9\n\n";
  absl::StrAppend(&out, "Event\t", n.title, "\n");
  absl::StrAppend(&out, "Date and Venue\t", DateAndVenue(n), "\n");
  absl::StrAppend(&out, "Organizers\t", Organizers(n), "\n");
  absl::StrAppend(&out, "Participants\t", Participants(n), "\n");
  for (const auto& s : Sections(n)) {
    std::vector<std::string> entries = *s.entries;
    if (s.entries == &n.additional_comments) {
      if (std::string c = ContactLine(n); !c.empty()) entries.push_back(c);
    }
    if (entries.empty()) continue;
    absl::StrAppend(&out, "\n", s.heading, "\n\n");
    for (const auto& e : entries) {
      absl::StrAppend(&out, s.bullets ? "- " : "", e,
                      s.bullets ? "\n" : "\n\n");
    }
  }
  absl::StrAppend(&out, "\n\u00b9 ", Disclaimer(n), "\n");
  // Paragraph sections end with a blank line already.
  while (absl::StrContains(out, "\n\n\n")) {
    out = absl::StrReplaceAll(out, {{"\n\n\n", "\n\n"}});
  }
  return out;
}

std::string RenderMarkdown(const ParsedNote& n) {
  std::string out = "# Information Note[^disclaimer]\n\n| | |\n|---|---|\n";
  absl::StrAppend(&out, "| **Event** | ", Md(n.title), " |\n");
  absl::StrAppend(&out, "| **Date and Venue** | ", Md(DateAndVenue(n)), " |\n");
  absl::StrAppend(&out, "| **Organizers** | ", Md(Organizers(n)), " |\n");
  std::vector<std::string> groups;
  for (const auto& g : Groups(n)) {
    std::vector<std::string> names;
    for (const auto& name : g.names) names.push_back(Md(name));
    groups.push_back(g.label.empty()
                         ? absl::StrJoin(names, ", ")
                         : absl::StrCat("*", Md(g.label), ":* ",
                                        absl::StrJoin(names, ", ")));
  }
  absl::StrAppend(&out, "| **Participants** | ", absl::StrJoin(groups, "<br>"),
                  " |\n");
  for (const auto& s : Sections(n)) {
    std::vector<std::string> entries = *s.entries;
    if (s.entries == &n.additional_comments) {
      if (std::string c = ContactLine(n); !c.empty()) entries.push_back(c);
    }
    if (entries.empty()) continue;
    absl::StrAppend(&out, "\n## ", s.heading, "\n\n");
    for (const auto& e : entries) {
      absl::StrAppend(&out, s.bullets ? "- " : "", Md(e),
                      s.bullets ? "\n" : "\n\n");
    }
  }
  absl::StrAppend(&out, "\n[^disclaimer]: ", Md(Disclaimer(n)), "\n");
  return out;
}

namespace {

// The note's HTML body: RenderHtml's page and RenderHtmlArticle's article.
std::string HtmlBody(const ParsedNote& n, const HtmlLinks& links) {
  std::string out = "<h1>Information Note<sup>1</sup></h1>\n<table>\n";
  absl::StrAppend(&out, "<tr><th>Event</th><td>", Html(n.title),
                  "</td></tr>\n");
  absl::StrAppend(&out, "<tr><th>Date and Venue</th><td>",
                  Html(DateAndVenue(n)), "</td></tr>\n");
  absl::StrAppend(&out, "<tr><th>Organizers</th><td>", Html(Organizers(n)),
                  "</td></tr>\n<tr><th>Participants</th><td>");
  for (const auto& g : Groups(n)) {
    std::vector<std::string> names;
    for (size_t k = 0; k < g.names.size(); ++k) {
      const size_t i = g.indices[k];
      const std::string href =
          i < links.participants.size() ? links.participants[i] : "";
      names.push_back(href.empty()
                          ? Html(g.names[k])
                          : absl::StrCat("<a class=\"participant\" href=\"",
                                         Html(href), "\">", Html(g.names[k]),
                                         "</a>"));
    }
    absl::StrAppend(&out, "<p>", g.label.empty() ? "" : "<em>", Html(g.label),
                    g.label.empty() ? "" : ":</em> ",
                    absl::StrJoin(names, ", "), "</p>");
  }
  absl::StrAppend(&out, "</td></tr>\n</table>\n");
  for (const auto& s : Sections(n)) {
    std::vector<std::string> entries = *s.entries;
    if (s.entries == &n.additional_comments) {
      if (std::string c = ContactLine(n); !c.empty()) entries.push_back(c);
    }
    if (entries.empty()) continue;
    absl::StrAppend(&out, "<h2>", s.heading, "</h2>\n",
                    s.bullets ? "<ul>\n" : "");
    for (const auto& e : entries) {
      absl::StrAppend(&out, s.bullets ? "<li>" : "<p>", Html(e),
                      s.bullets ? "</li>\n" : "</p>\n");
    }
    if (s.bullets) out += "</ul>\n";
  }
  absl::StrAppend(&out, "<p class=\"footnote\"><sup>1</sup> ",
                  Html(Disclaimer(n)), "</p>\n");
  return out;
}

}  // namespace

std::string RenderHtmlArticle(const ParsedNote& n, const HtmlLinks& links) {
  return absl::StrCat("<article class=\"note\">\n", HtmlBody(n, links),
                      "</article>\n");
}

std::string RenderHtml(const ParsedNote& n) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>Information Note: ",
      Html(n.title),
      "</title>\n<style>\n"
      "body{font-family:Georgia,serif;max-width:48rem;margin:2rem auto;"
      "line-height:1.45}\n"
      "table{border-collapse:collapse;width:100%}\n"
      "th,td{border:1px solid #444;padding:.4rem;vertical-align:top;"
      "text-align:left}\nth{width:11rem}\n"
      ".footnote{font-size:.85em;border-top:1px solid #444;margin-top:2rem}\n"
      "@media print{body{margin:0;max-width:none}a{color:inherit}}\n"
      "</style>\n</head>\n<body>\n",
      HtmlBody(n, HtmlLinks{}), "</body>\n</html>\n");
}

}  // namespace outreach::gateway
