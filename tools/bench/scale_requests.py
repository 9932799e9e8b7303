#!/usr/bin/python3
"""Request bodies for `scripts/bench.sh --scale`, in proto3 JSON.

  scale_requests.py codes N           N ISO 3166-1 alpha-2 codes (lower case),
                                      sorted, leaving out "zw" (the light
                                      entity's); one per line
  scale_requests.py participations N PARENT
                                      BatchCreateParticipations of the first
                                      N codes' States under PARENT (which
                                      may hold "{n}")
  scale_requests.py note N SEED_NOTE  ImportInformationNote of the seed note
                                      with N participants (its States,
                                      then ISO names without commas, then
                                      numbered delegations), its title
                                      carrying "{n}" so that each import
                                      is a new event; a real import
  scale_requests.py dry N SEED_NOTE   the same note as a dry run
"""

import json
import sys

ISO = "/usr/share/iso-codes/json/iso_3166-1.json"


def countries():
    with open(ISO, encoding="utf-8") as f:
        return json.load(f)["3166-1"]


def codes(n):
    all_codes = sorted(c["alpha_2"].lower() for c in countries())
    return [c for c in all_codes if c != "zw"][:n]


def participations(n, parent):
    names = {c["alpha_2"].lower(): c["name"] for c in countries()}
    reqs = []
    for i, code in enumerate(codes(n)):
        reqs.append({"participation": {
            "printedName": names[code], "printedGroup": "States",
            "entity": f"entities/{code}", "position": i,
            "role": "PARTICIPATION_ROLE_PARTICIPANT"}})
    return {"parent": parent, "requests": reqs}


def note(n, seed_path, dry_run):
    with open(seed_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    # The seed's own States first (they resolve as in the seed), then more.
    names = []
    for i, line in enumerate(lines):
        if line.startswith("Participants\t"):
            states = line.split("\t", 1)[1].split(":", 1)[1]
            states = states.split(" Other:")[0]
            names = [s.strip() for s in states.split(",") if s.strip()]
            index = i
    seen = set(names)
    for c in countries():
        name = c["name"]
        if len(names) >= n:
            break
        if "," in name or "(" in name or name in seen:
            continue
        names.append(name)
        seen.add(name)
    k = 1
    while len(names) < n:
        names.append(f"Delegation {k}")
        k += 1
    lines[index] = ("Participants\tStates-Members of the OSCE: " +
                    ", ".join(names[:n]))
    # A title of its own per import: the "Event" line names the event.
    for i, line in enumerate(lines):
        if line.startswith("Event\t"):
            lines[i] = line + " {n}"
            break
    return {"text": "\n".join(lines), "dryRun": dry_run}


def main():
    mode = sys.argv[1]
    if mode == "codes":
        print("\n".join(codes(int(sys.argv[2]))))
    elif mode == "participations":
        print(json.dumps(participations(int(sys.argv[2]), sys.argv[3])))
    elif mode in ("note", "dry"):
        print(json.dumps(note(int(sys.argv[2]), sys.argv[3], mode == "dry")))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
