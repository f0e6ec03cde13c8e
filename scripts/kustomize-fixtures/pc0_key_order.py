import json

from _common import KUST


def define(case, d):
    # kubectl kustomize sorts keys with go-yaml v2's "natural" order, which is not a total order
    # across mixed shapes (e.g. v10 vs v1beta1, 1a vs 1.5): with Go's random map order the output
    # then varies from run to run. Only groups whose order is stable are kept, one document each,
    # so keys of different groups are never compared.
    groups = [
        ["a1", "a2", "a10", "a20", "a100", "a01", "a001"],
        ["item-1", "item-2", "item-10", "item-0", "item-00"],
        ["1", "2", "10", "20", "100", "3", "99"],
        ["01", "001", "1", "0099", "99"],
        ["port80", "port443", "port8080"],
        ["A", "B", "a", "b", "Ab", "aB", "AB", "_", "-", "_a", "-a"],
        ["x.1", "x.2", "x.10", "x-1", "x-2", "x-10"],
        ["abc", "ab", "abcd", "a b", "a-b", "a_b", "é", "z", "z9", "z10", "Z9"],
    ]
    docs = []
    for g, keys in enumerate(groups):
        body = "".join(f"  {json.dumps(k, ensure_ascii=False)}: {i}\n" for i, k in enumerate(keys))
        docs.append(f"apiVersion: example.com/v1\nkind: Order\nmetadata:\n  name: group-{g}\nspec:\n" + body)
    case("format-mapping-key-sort-order-natural", {
        KUST: "resources:\n- r.yaml\n",
        "r.yaml": "---\n".join(docs),
    })
    case("format-merge-key-with-scalar-value-dropped", {
        KUST: "resources:\n- r.yaml\n",
        "r.yaml": "apiVersion: example.com/v1\nkind: Merge\nmetadata:\n  name: m\nspec:\n  keep: 1\n  \"<<\": scalar\n  quoted-merge:\n    '<<': also-scalar\n    x: 1\n",
    })
