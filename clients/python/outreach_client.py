#!/usr/bin/python3
"""Example Outreach client in Python, on Debian's python3-grpcio.

Stubs are generated from protos/ in the build (build/clients/python); pass
that folder with --stubs. Against a running suite, it:

  1. imports information notes through the gateway,
  2. reads the first note back, rendered as TEXT,
  3. lists events page by page,
  4. reads the field details of a validation error.

Exit status 0 when every step worked; an error is one line on stderr
with its gRPC code and field violations, and exit status 1. Usage:

  /usr/bin/python3 clients/python/outreach_client.py \\
      --stubs build/clients/python --address 127.0.0.1:8080 \\
      --note examples/notes/kiev_2013.txt [--note another.txt]

The gateway's address is --address, or $OUTREACH_ADDRESS, or
127.0.0.1:8080: the same flag and variable as outreachctl's.

Security, as outreachctl's: mutual TLS with the certificate of --identity
(default editor) from --tls-dir (default $OUTREACH_DATA_DIR/tls, else
.outreach/tls, where scripts/run.sh makes them) when that folder holds
ca.crt; --tls=off talks plaintext (a suite run with OUTREACH_TLS=off).
"""

import argparse
import os
import sys

PROG = "outreach_client"


def violations_of(error, status_pb2, error_details_pb2):
    """The BadRequest field violations of an RPC error, as "field: why"."""
    status = status_pb2.Status()
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status.ParseFromString(value)
    out = []
    for detail in status.details:
        bad_request = error_details_pb2.BadRequest()
        if detail.Unpack(bad_request):
            out += [f"{v.field}: {v.description}"
                    for v in bad_request.field_violations]
    return out


def main():
    parser = argparse.ArgumentParser(prog=PROG,
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--stubs", required=True, help="generated stubs folder")
    parser.add_argument("--address", "--gateway", dest="address",
                        default=os.environ.get("OUTREACH_ADDRESS",
                                               "127.0.0.1:8080"),
                        help="the gateway, host:port (default "
                             "$OUTREACH_ADDRESS or 127.0.0.1:8080)")
    parser.add_argument("--note", required=True, action="append",
                        help="a note's text file; may be repeated")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="deadline of each call, in seconds (30)")
    parser.add_argument("--tls", choices=["auto", "on", "off"],
                        default=os.environ.get("OUTREACH_TLS", "auto"),
                        help="auto (mutual TLS when --tls-dir holds ca.crt), "
                             "on or off")
    parser.add_argument("--tls-dir", default=os.path.join(
                            os.environ.get("OUTREACH_DATA_DIR", ".outreach"),
                            "tls"),
                        help="ca.crt and <identity>.crt/.key "
                             "($OUTREACH_DATA_DIR/tls or .outreach/tls)")
    parser.add_argument("--identity", default="editor",
                        help="whose certificate to present (editor)")
    args = parser.parse_args()
    sys.path.insert(0, args.stubs)

    import grpc
    from google.rpc import error_details_pb2, status_pb2
    from outreach.events.v1 import events_pb2
    from outreach.gateway.v1 import gateway_pb2, gateway_pb2_grpc
    try:
        return run(args, grpc, error_details_pb2, status_pb2, events_pb2,
                   gateway_pb2, gateway_pb2_grpc)
    except grpc.RpcError as e:
        violations = violations_of(e, status_pb2, error_details_pb2)
        print(f"{PROG}: {e.code().name}: {e.details()}"
              + (f" [{'; '.join(violations)}]" if violations else ""),
              file=sys.stderr)
        return 1
    except OSError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 1


def open_channel(args, grpc):
    """A channel to the gateway: mutual TLS or plaintext, as --tls says."""
    ca = os.path.join(args.tls_dir, "ca.crt")
    if args.tls == "off" or (args.tls == "auto" and not os.path.exists(ca)):
        return grpc.insecure_channel(args.address)

    def read(name):
        with open(os.path.join(args.tls_dir, name), "rb") as f:
            return f.read()
    credentials = grpc.ssl_channel_credentials(
        root_certificates=read("ca.crt"),
        private_key=read(f"{args.identity}.key"),
        certificate_chain=read(f"{args.identity}.crt"))
    return grpc.secure_channel(args.address, credentials)


def run(args, grpc, error_details_pb2, status_pb2, events_pb2, gateway_pb2,
        gateway_pb2_grpc):

    channel = open_channel(args, grpc)
    gateway = gateway_pb2_grpc.GatewayServiceStub(channel)

    # 1. Import the notes (idempotent: a second import creates nothing).
    first = None
    for path in args.note:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        report = gateway.ImportInformationNote(
            gateway_pb2.ImportInformationNoteRequest(text=text),
            timeout=args.timeout)
        resolved = [p for p in report.participations if p.iso_alpha2]
        print(f"imported {report.event.name}: {len(report.participations)} "
              f"participations, {len(resolved)} States with ISO codes, "
              f"{len(report.outcomes)} outcomes, already_imported="
              f"{report.already_imported}")
        first = first or report.event.name

    # 2. Read the first note back.
    note = gateway.RenderInformationNote(
        gateway_pb2.RenderInformationNoteRequest(
            event=first, format=gateway_pb2.NOTE_FORMAT_TEXT),
        timeout=args.timeout)
    first = note.content.splitlines()[2] if note.content else ""
    print(f"note: {len(note.content)} characters; {first}")

    # 3. List events page by page.
    request = events_pb2.ListEventsRequest(page_size=1)
    pages = names = 0
    while True:
        page = gateway.ListEvents(request, timeout=args.timeout)
        pages += 1
        names += len(page.events)
        if not page.next_page_token:
            break
        request.page_token = page.next_page_token
    print(f"events: {names} in {pages} page(s)")

    # 4. The field details of a validation error.
    try:
        gateway.ImportInformationNote(
            gateway_pb2.ImportInformationNoteRequest(text=""), timeout=args.timeout)
        print("error: an empty note was accepted", file=sys.stderr)
        return 1
    except grpc.RpcError as e:
        violations = violations_of(e, status_pb2, error_details_pb2)
        print(f"validation error {e.code().name}: {violations}")
        if e.code() != grpc.StatusCode.INVALID_ARGUMENT or not violations:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
