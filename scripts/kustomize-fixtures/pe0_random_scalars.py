"""Seeded random combinations of tricky scalars: deterministic, so the cases are stable."""
import random

from _common import KUST

FRAGMENTS = ["a", "b", " ", "  ", ":", ": ", "#", " #", "-", "- ", "?", "'", '"', "\\", "\t", "\n", "\n\n", "\r\n",
             "{", "}", "[", "]", ",", "&", "*", "!", "|", ">", "%", "@", "`", "~", "=", "0", "1", "007", "1e3", "0x1F",
             "true", "no", "null", "é", "中", "🚀", "\u00a0", "\u200b", "lorem ipsum dolor sit amet", "x" * 90,
             "---", "...", "<<", "$(VAR)", "{{ .X }}", "http://h:80/p?q=1#f"]


def q(text):
    out = []
    for ch in text:
        cp = ord(ch)
        if cp > 0xFFFF:
            out.append(f"\\U{cp:08X}")
        elif cp < 0x20 or cp in (0x85, 0x2028, 0x2029, 0xFEFF) or ch in '\\"':
            out.append(f"\\u{cp:04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def define(case, d):
    rng = random.Random(20261128)
    for n in range(12):
        lines = []
        for i in range(40):
            k = rng.randint(1, 5)
            value = "".join(rng.choice(FRAGMENTS) for _ in range(k))
            lines.append(f"  k{i:02d}: {q(value)}\n")
        labels = "".join(f"    l{i}: {q(rng.choice(['1', 'true', 'x y', '', 'a:b', '0123', 'é']))}\n" for i in range(3))
        body = (f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: random-{n:02d}\n  annotations:\n{labels}data:\n"
                + "".join(lines))
        extra = rng.choice(["", "namePrefix: r-\n", "commonAnnotations:\n  note: \"random: yes\"\n",
                            "patches:\n- target:\n    kind: ConfigMap\n  patch: |-\n    - op: add\n      path: /data/patched\n      value: \"  padded  \"\n"])
        case(f"format-random-scalars-{n:02d}", {KUST: "resources:\n- r.yaml\n" + extra, "r.yaml": body})
