import json

from _common import KUST


def define(case, d):
    def yaml_str(s):
        return json.dumps(s, ensure_ascii=False)

    def cm(name, data, kind="ConfigMap", api="v1", key="data"):
        body = "".join(f"  {yaml_str(k)}: {yaml_str(v)}\n" for k, v in data.items())
        return f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\n{key}:\n{body}"

    words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor".split()
    long_text = " ".join(words * 4)
    wrap = {
        "plain-long": long_text,
        "double-spaces": long_text.replace(" ", "  ", 10),
        "tab-forces-double-quotes": long_text[:60] + "\t" + long_text[:90],
        "leading-space-long": "  " + long_text,
        "trailing-space-long": long_text + " ",
        "colon-space-long": "key: " + long_text,
        "hash-long": "# " + long_text,
        "wide-chars-long": "日本語のテキスト " * 12,
        "accented-long": "café résumé naïve " * 8,
        "exactly-80": "x" * 37 + " " + "y" * 42,
        "word-longer-than-line": "short " + "z" * 100 + " end",
        "escaped-unicode-long": long_text[:70] + " \u0007 bell " + long_text[:40],
        "newline-and-long": long_text + "\n" + long_text,
        "newline-trailing-spaces-long": long_text + "  \n" + long_text,
    }
    case("format-line-wrapping-stress", {KUST: "resources:\n- r.yaml\n", "r.yaml": cm("wrapping", wrap)})
    lists = "apiVersion: example.com/v1\nkind: Lists\nmetadata:\n  name: wrap-in-lists\nspec:\n  items:\n" + "".join(
        f"  - {yaml_str(v)}\n" for v in [long_text, "key: " + long_text, long_text + "\n"]) + "  nested:\n  - - " + yaml_str(long_text) + "\n  - name: x\n    description: " + yaml_str(long_text) + "\n"
    case("format-line-wrapping-in-sequences", {KUST: "resources:\n- r.yaml\n", "r.yaml": lists})
    blocks = {
        "leading-space-no-newline": "  x",
        "leading-space-newline": "  x\n",
        "leading-newlines": "\n\nx\n",
        "only-newlines": "\n\n",
        "keep-two": "x\n\n",
        "keep-three": "x\n\n\n",
        "space-then-newline": " \n",
        "inner-blank-lines": "a\n\n\nb\n",
        "indented-middle": "a\n  b\nc\n",
        "trailing-tab-line": "a\t\nb\n",
        "cr-only": "a\rb\n",
        "unicode-block": "ünï\ncödé\n",
        "emoji-block": "🚀\nlaunch\n",
        "hash-lines": "# one\n# two\n",
        "dash-lines": "- a\n- b\n",
        "yaml-in-block": "key: value\nlist:\n  - x\n",
        "quote-lines": "'single'\n\"double\"\n",
        "very-long-line-block": long_text + "\nshort\n",
    }
    case("format-block-scalar-indicators", {KUST: "resources:\n- r.yaml\n", "r.yaml": cm("blocks", blocks)})
    scalars = {
        "zero": "0", "dash": "-", "colon": ":", "question": "?", "comma": ",", "brackets": "[]", "braces": "{}",
        "star": "*", "amp": "&", "bang": "!", "pipe-space": "| x", "gt-space": "> x", "percent": "%",
        "at": "@", "backtick": "`", "quote-start": "'x", "dquote-start": "\"x", "tilde-word": "~x",
        "colon-start": ":x", "dash-start": "-x", "question-start": "?x", "ends-colon": "x:", "hash-after-space": "x #y",
        "equals": "=", "slash": "/", "backslash-only": "\\", "space-colon": "x : y", "tab-only": "\t",
        "nbsp": "\u00a0", "zero-width-space": "\u200b", "line-separator": "\u2028", "paragraph-sep": "\u2029",
        "next-line": "\u0085", "bom-only": "\ufeff", "private-use": "\ue000", "surrogate-range-emoji": "😀",
    }
    case("format-scalar-quoting-matrix", {KUST: "resources:\n- r.yaml\n", "r.yaml": cm("scalars", scalars)})
