import json

from _common import KUST


def define(case, d):
    # letter-only keys: go-yaml's natural key order is not stable for keys like c00/c0a/c1b
    name = lambda cp: "ctl-" + chr(ord("a") + cp // 26) + chr(ord("a") + cp % 26)
    data = "".join(f"  {name(cp)}: {json.dumps('a' + chr(cp) + 'b')}\n" for cp in list(range(0, 32)) + [0x85])
    case("format-every-c0-control-character", {
        KUST: "resources:\n- c.yaml\n",
        "c.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: controls\ndata:\n" + data,
    })
    case("error-c1-control-character-in-string", {
        KUST: "resources:\n- c.yaml\n",
        "c.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: controls\ndata:\n  has-c1-control: \"a\\x80b\"\n",
    }, error="has-c1-control")
    case("error-unicode-noncharacter-in-string", {
        KUST: "resources:\n- c.yaml\n",
        "c.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: controls\ndata:\n  has-noncharacter: \"a\\uFFFEb\"\n",
    }, error="has-noncharacter")
