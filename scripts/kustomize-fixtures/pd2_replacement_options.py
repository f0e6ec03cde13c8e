from _common import KUST


def define(case, d):
    res = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: src\ndata:\n  v: a.b.c\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dst\ndata:\n  t: x-y\n"

    def k(src_opts="", tgt_opts=""):
        return ("resources:\n- r.yaml\nreplacements:\n- source:\n    name: src\n    fieldPath: data.v\n" + src_opts +
                "  targets:\n  - select:\n      name: dst\n    fieldPaths:\n    - data.t\n" + tgt_opts)
    variants = {
        "target-index-negative": ("", "    options:\n      delimiter: '-'\n      index: -1\n"),
        "target-index-past-end": ("", "    options:\n      delimiter: '-'\n      index: 5\n"),
        "target-delimiter-absent-index-1": ("", "    options:\n      delimiter: '+'\n      index: 1\n"),
        "target-delimiter-absent-index-0": ("", "    options:\n      delimiter: '+'\n      index: 0\n"),
        "target-index-without-delimiter": ("", "    options:\n      index: 1\n"),
        "multi-char-delimiter": ("    options:\n      delimiter: '.b.'\n      index: 1\n", "    options:\n      delimiter: 'x-'\n      index: 1\n"),
    }
    for name, (s, t) in variants.items():
        case(f"replacements-options-{name}", {KUST: k(s, t), "r.yaml": res})
    case("error-replacements-source-index-past-end", {KUST: k("    options:\n      delimiter: '.'\n      index: 7\n"), "r.yaml": res}, error="index")
    case("error-replacements-source-index-negative", {KUST: k("    options:\n      delimiter: '.'\n      index: -1\n"), "r.yaml": res}, error="index")
