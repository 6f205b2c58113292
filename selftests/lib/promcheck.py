#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""promcheck FILE: parse a Prometheus text exposition with prometheus_client.

Used by the swapctl_export selftest.  The file is parsed with the parser
of Debian's python3-prometheus-client (the one Prometheus' Python client
ships), and then held to what a scrape needs that the parser lets pass:

  - every family has a HELP text and a TYPE (gauge, counter or untyped);
  - a family is written in one block (a name met twice is an error);
  - no two samples have the same name and labels;
  - every value is a finite number;
  - a counter's name ends in _total.

On success it prints every sample on a line, labels sorted, as
'name{k="v",...} value', then 'families=N samples=M', and exits 0.  On a
violation it prints the reason and exits 1; 2 if FILE cannot be read or
the parser is missing.
"""
import math
import sys

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    print("promcheck: no prometheus_client (python3-prometheus-client)")
    sys.exit(2)


def label_str(labels):
    def esc(v):
        return v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if not labels:
        return ""
    return "{" + ",".join('%s="%s"' % (k, esc(labels[k]))
                          for k in sorted(labels)) + "}"


def main():
    if len(sys.argv) != 2:
        print("usage: promcheck FILE")
        return 2
    try:
        with open(sys.argv[1]) as f:
            text = f.read()
    except OSError as e:
        print("promcheck: %s" % e)
        return 2

    # TYPE lines as written: the parser drops _total from a counter's name
    written = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            parts = line.split()
            if len(parts) != 4:
                print("promcheck: bad TYPE line: %s" % line)
                return 1
            if parts[2] in written:
                print("promcheck: family %s written twice" % parts[2])
                return 1
            if parts[3] == "counter" and not parts[2].endswith("_total"):
                print("promcheck: counter %s lacks _total" % parts[2])
                return 1
            written[parts[2]] = parts[3]

    try:
        families = list(text_string_to_metric_families(text))
    except Exception as e:  # the parser raises ValueError and others
        print("promcheck: parse error: %s" % e)
        return 1

    seen_fam = set()
    seen = set()
    out = []
    for fam in families:
        if fam.name in seen_fam:
            print("promcheck: family %s written in two blocks" % fam.name)
            return 1
        seen_fam.add(fam.name)
        if not fam.documentation:
            print("promcheck: family %s has no HELP" % fam.name)
            return 1
        # the client calls the text format's untyped "unknown"
        if fam.type not in ("gauge", "counter", "unknown"):
            print("promcheck: family %s has type %s" % (fam.name, fam.type))
            return 1
        for s in fam.samples:
            key = s.name + label_str(s.labels)
            if key in seen:
                print("promcheck: sample %s twice" % key)
                return 1
            seen.add(key)
            if not math.isfinite(s.value):
                print("promcheck: sample %s is %s" % (key, s.value))
                return 1
            v = s.value
            out.append("%s %s" % (key, int(v) if v == int(v) and abs(v) < 2**63 else repr(v)))
    # every TYPE line became a family of the same type
    for name, typ in written.items():
        base = name[:-len("_total")] if typ == "counter" and name.endswith("_total") else name
        if base not in seen_fam:
            print("promcheck: TYPE %s did not parse as a family" % name)
            return 1
    print("\n".join(out))
    print("families=%d samples=%d" % (len(families), len(out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
