import json

from _common import KUST


def define(case, d):
    chars = {
        "latin1-e-acute": "\u00e9", "soft-hyphen": "\u00ad", "nbsp": "\u00a0", "greek": "\u03a9", "cyrillic": "\u0416",
        "arabic": "\u0639", "hebrew": "\u05d0", "devanagari": "\u0915", "cjk": "\u4e2d", "hangul": "\ud55c",
        "combining-acute": "e\u0301", "zwsp": "\u200b", "zwnj": "\u200c", "zwj": "\u200d", "lrm": "\u200e",
        "rlm": "\u200f", "ls": "\u2028", "ps": "\u2029", "nnbsp": "\u202f", "word-joiner": "\u2060",
        "bom": "\ufeff", "vs16": "\ufe0f", "replacement": "\ufffd", "private-bmp": "\ue000", "check": "\u2713",
        "emoji": "\U0001f680", "math-bold-a": "\U0001d400", "cjk-ext-b": "\U00020000", "flag": "\U0001f1e9\U0001f1ea",
        "family-zwj": "\U0001f468\u200d\U0001f469", "private-plane-15": "\U000f0000", "tag-char": "\U000e0041",
    }
    def q(text):
        out = []
        for ch in text:
            cp = ord(ch)
            if cp > 0xFFFF:
                out.append(f"\\U{cp:08X}")
            elif cp < 0x20 or cp in (0x85, 0x2028, 0x2029, 0xFEFF) or ch in "\\\"":
                out.append(f"\\u{cp:04X}")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'
    data = "".join(f"  {k}: {q('a' + v + 'b')}\n" for k, v in chars.items())
    alone = "".join(f"  alone-{k}: {q(v)}\n" for k, v in chars.items())
    case("format-unicode-escaping-matrix", {
        KUST: "resources:\n- r.yaml\n",
        "r.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: unicode-matrix\ndata:\n" + data + alone,
    })
