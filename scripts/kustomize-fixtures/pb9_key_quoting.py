import json

from _common import KUST


def define(case, d):
    keys = ["plain", "with space", "trailing ", " leading", "colon:inside", "colon: space", "#hash", "a#b", "a #b",
            "-dash", "- dash", "?q", "? q", "!bang", "&amp", "*star", "%pct", "@at", "`tick", "'sq", "\"dq",
            "[br", "{br", "a,b", "|pipe", ">gt", "~", "null", "Null", "true", "False", "yes", "No", "on", "OFF",
            "y", "n", "0", "007", "1.5", "1e3", ".inf", "-.inf", ".nan", "0x10", "0o10", "1_000", "2001-01-01",
            "12:30", "<<", "=", "ünï", "日本", "emoji😀", "tab\tkey", "new\nline", "", "a/b", "a.b", "a\\b"]
    # One document per key: key order across these shapes is not stable in kubectl kustomize
    # (see format-mapping-key-sort-order-natural), a lone key always is.
    docs = [f"apiVersion: example.com/v1\nkind: Keys\nmetadata:\n  name: key-{i:02d}\nspec:\n  {json.dumps(k, ensure_ascii=False)}: v{i}\n"
            for i, k in enumerate(keys)]
    case("format-mapping-key-quoting-matrix", {
        KUST: "resources:\n- r.yaml\n",
        "r.yaml": "---\n".join(docs),
    })
