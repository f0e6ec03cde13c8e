import json

from _common import KUST


def define(case, d):
    keys = ["a1", "a10", "a2", "a01", "a001", "1a", "10a", "2a", "A", "a", "B", "b", "_", "-", "_a", "-a",
            "1.5", "1.10", "1.9", "v1beta1", "v1", "v10", "v2alpha1", "v1alpha2", "x-1", "x-10", "x-2",
            "é", "z", "Z9", "z10", "z9", "item-0", "item-00", "item-000", "item-1", "100", "99", "0099",
            "a.1", "a.10", "a.2", "port80", "port8080", "port443", "abc", "ab", "abcd", "a b", "a-b", "a_b",
            "Ab", "aB", "AB", "1", "01", "001", "-1", "+1", "1-2", "1_2", "2", "20", "3"]
    body = "".join(f"  {json.dumps(k, ensure_ascii=False)}: {i}\n" for i, k in enumerate(keys))
    case("format-mapping-key-sort-order-natural", {
        KUST: "resources:\n- r.yaml\n",
        "r.yaml": "apiVersion: example.com/v1\nkind: Order\nmetadata:\n  name: order\nspec:\n" + body,
    })
    case("format-merge-key-with-scalar-value-dropped", {
        KUST: "resources:\n- r.yaml\n",
        "r.yaml": "apiVersion: example.com/v1\nkind: Merge\nmetadata:\n  name: m\nspec:\n  keep: 1\n  \"<<\": scalar\n  quoted-merge:\n    '<<': also-scalar\n    x: 1\n",
    })
