from _common import KUST


def define(case, d):
    def rcase(name, body, error=None):
        case(name, {KUST: "resources:\n- r.yaml\n", "r.yaml": body}, error=error)

    rcase("format-explicit-tags-resolved", "apiVersion: example.com/v1\nkind: T\nmetadata:\n  name: t\nspec:\n  a: !!str 123\n  b: !!int \"5\"\n  c: !Ref foo\n  d: !!binary aGVsbG8=\n  e: !!float 1\n  f: !!bool \"true\"\n  g: !!null \"\"\n")
    rcase("error-non-string-mapping-keys", "apiVersion: example.com/v1\nkind: T\nmetadata:\n  name: odd-keys\nspec:\n  1: a\n  true: b\n", error="odd-keys")
    rcase("format-long-key-complex-key-syntax", "apiVersion: example.com/v1\nkind: T\nmetadata:\n  name: t\nspec:\n  " + "k" * 140 + ": long\n  " + "m" * 128 + ": exactly128\n  " + "n" * 129 + ": over128\n")
    rcase("resources-kind-ending-in-list-flattened", "apiVersion: v1\nkind: ConfigMapList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: from-configmaplist\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: mixed-kind-in-list\n")
    rcase("resources-empty-list-contributes-nothing", "apiVersion: v1\nkind: List\nitems: []\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: survivor\n")
    rcase("error-yaml-directive-in-resource", "%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\n", error="r.yaml")
    rcase("format-timestamps-normalized", "apiVersion: example.com/v1\nkind: T\nmetadata:\n  name: t\nspec:\n  ts1: 2001-12-14t21:59:43.10-05:00\n  ts2: 2001-12-14 21:59:43.10 -5\n  ts3: 2002-12-14\n  not-zero-padded: 2002-1-1\n  quoted: \"2002-12-14\"\n  in-list:\n  - 2020-02-29\n")
    rcase("format-merge-keys-with-override-and-list", d("""
    apiVersion: example.com/v1
    kind: T
    metadata:
      name: t
    base1: &b1
      a: 1
      b: 1
    base2: &b2
      b: 2
      c: 2
    spec:
      merged:
        <<: [*b1, *b2]
        c: 3
    """))
