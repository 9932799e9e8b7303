#!/usr/bin/python3
"""Request bodies for scripts/bench.sh, in proto3 JSON, built from the seed.

  requests.py resolve DRY_RUN_JSON   ResolveEntities: 40 printed names (the
                                     seed lists 36; the first four repeat)
  requests.py groups DRY_RUN_JSON    BatchCheckMemberships: every printed
                                     group, as the note and the import ask
  requests.py import NOTE_FILE       ImportInformationNote, as a dry run
  requests.py create DRY_RUN_JSON    CreateEvent with validate_only: the
                                     event the dry run checks with the
                                     events service
  requests.py echo BYTES             Echo with a payload of BYTES bytes

DRY_RUN_JSON is `outreachctl import --dry-run --output=json` of the seed.
"""

import base64
import json
import sys

AS_OF = {"year": 2013, "month": 11, "day": 5}


def field(message, name):
    """A field under its JSON name or its proto name."""
    camel = name.split("_")[0] + "".join(w.title() for w in name.split("_")[1:])
    return message.get(camel, message.get(name, ""))


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "import":
        with open(path, encoding="utf-8") as f:
            print(json.dumps({"text": f.read(), "dryRun": True}))
        return 0
    if mode == "echo":
        print(json.dumps({"payload": base64.b64encode(b"x" * int(path)).decode()}))
        return 0
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    if mode == "create":
        event = dict(report["event"])
        event_id = event.pop("name", "events/bench").split("/", 1)[1]
        for output_only in ("etag", "createTime", "updateTime", "uid"):
            event.pop(output_only, None)
        print(json.dumps({"eventId": event_id, "event": event,
                          "validateOnly": True}))
        return 0
    parts = report.get("participations", [])
    if not parts:
        print("no participations in the dry run", file=sys.stderr)
        return 1
    if mode == "resolve":
        names = [parts[i % len(parts)] for i in range(40)]
        print(json.dumps({
            "names": [{"printedName": field(p, "printed_name"),
                       "printedGroup": field(p, "printed_group")} for p in names],
            "asOf": AS_OF}))
        return 0
    if mode == "groups":
        by_group = {}
        for p in parts:
            by_group.setdefault(field(p, "printed_group"), []).append(
                field(p, "printed_name"))
        print(json.dumps({"requests": [
            {"printedGroup": g, "printedNames": names, "asOf": AS_OF}
            for g, names in by_group.items() if g]}))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
