#ifndef OUTREACH_SERVICES_WEB_WEB_SERVER_H_
#define OUTREACH_SERVICES_WEB_WEB_SERVER_H_

// The web front's HTTP server (cpp-httplib): the pages of pages.h and a
// JSON API beside them, both over the gateway (gateway.h), for the person
// identity.h finds on each request.
//
//   GET  /                         events, filtered by year, country, kind, text
//   GET  /events/{id}              the event's note, printable
//   GET  /entities/{id}            a State's or organization's profile
//   GET  /profile?entity=NAME      the profile of a printed name (redirects)
//   GET  /dashboard                charts of the records
//   GET  /import, POST /import     paste or upload, check (dry run), confirm
//   GET  /outcomes                 outcomes by kind, status, overdue
//   POST /outcomes/transition      a lifecycle move (editors)
//   GET  /v1/events[/{id}[/note]], /v1/entities/{id}/profile, /v1/dashboard
//                                  the gateway's messages as protobuf JSON;
//                                  errors as google.rpc.Status JSON
//   GET  /healthz                  liveness, without calling anything
//
// Every answer carries a Content-Security-Policy that allows no script at
// all and no framing, nosniff, and no-store. Bodies over
// `max_body_bytes` get 413 before they are read. Forms that write carry a
// CSRF token (csrf.h), and a cross-site POST is refused whatever it
// carries. Routing is by path segments, not regular expressions, so no
// path costs more than its length.

#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "common/geo/iso3166.h"
#include "common/time/clock.h"
#include "services/web/csrf.h"
#include "services/web/gateway.h"
#include "services/web/identity.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace outreach::web {

struct WebOptions {
  std::string host = "127.0.0.1";
  int port = 8088;  // 0 picks a free one
  // The largest request body read: a 1 MiB note, multipart-encoded.
  size_t max_body_bytes = 2 << 20;
  // The largest note text sent to the gateway (its own limit).
  size_t max_note_bytes = 1 << 20;
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 10;
};

// The status of an HTTP answer for `code` (google.rpc's mapping, AIP-193).
int HttpStatusFor(absl::StatusCode code);

class WebServer {
 public:
  // None owned; all must outlive the server.
  WebServer(WebOptions options, Gateway* gateway, Identities* identities,
            const CsrfTokens* csrf, const CountryRegistry* countries,
            Clock* clock = SystemClock::Default());
  ~WebServer();

  // Binds and serves on a thread of its own. UNAVAILABLE when the port
  // cannot be bound.
  absl::Status Start();
  // The bound port (after Start).
  int port() const { return port_; }
  // Stops accepting and waits for the server thread.
  void Stop();

 private:
  struct Call;
  bool Route(const httplib::Request& req, httplib::Response& res);
  void Serve(Call& call);
  void ServeJson(Call& call);
  void Events(Call& call);
  void Note(Call& call, const std::string& id);
  void Profile(Call& call, const std::string& entity);
  void FindProfile(Call& call);
  void Dashboard(Call& call);
  void ImportForm(Call& call);
  void ImportPost(Call& call);
  void Outcomes(Call& call);
  void TransitionPost(Call& call);
  void Fail(Call& call, const absl::Status& status);
  void FailJson(Call& call, const absl::Status& status);
  absl::Status CheckForm(Call& call);
  std::string Today() const;

  const WebOptions options_;
  Gateway* const gateway_;
  Identities* const identities_;
  const CsrfTokens* const csrf_;
  const CountryRegistry* const countries_;
  Clock* const clock_;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace outreach::web

#endif  // OUTREACH_SERVICES_WEB_WEB_SERVER_H_
