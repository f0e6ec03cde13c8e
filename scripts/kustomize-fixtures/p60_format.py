from _common import KUST, deployment, service, configmap


def define(case, d):
    def cm_case(name, body, extra_kust=""):
        case(name, {KUST: "resources:\n- cm.yaml\n" + extra_kust, "cm.yaml": body})

    cm_case("format-quoting-boolean-like-strings", d("""
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: booleans
    data:
      t: "true"
      f: "false"
      y: "yes"
      n: "no"
      on: "on"
      off: "off"
      Y: "Y"
      cap: "True"
      upper: "FALSE"
      plain: truthy
    """))
    cm_case("format-quoting-number-like-strings", d("""
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: numbers
    data:
      leading-zero: "0123"
      exp: "1e3"
      exp-upper: "1E3"
      float: "3.14"
      neg: "-42"
      plus: "+1"
      hex: "0x1F"
      octal: "0o17"
      dot: ".5"
      inf: ".inf"
      nan: ".NaN"
      underscore: "1_000"
      sexagesimal: "1:20"
      version: "1.2.3"
      date: "2024-01-02"
      time: "2001-12-14t21:59:43.10-05:00"
    """))
    cm_case("format-quoting-null-like-strings", d("""
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: nulls
    data:
      null-word: "null"
      null-cap: "Null"
      null-upper: "NULL"
      tilde: "~"
      empty: ""
      space: " "
    """))
    cm_case("format-quoting-special-characters", d("""
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: specials
    data:
      colon-space: "key: value"
      colon-end: "trailing:"
      colon-inside: "a:b"
      url: "http://example.com:8080/path"
      hash-start: "#comment"
      hash-inside: "a #b"
      hash-nospace: "a#b"
      amp: "&anchor"
      star: "*alias"
      bang: "!tag"
      percent: "%percent"
      at: "@at"
      backtick: "`tick"
      pipe: "|"
      gt: ">"
      dash: "-"
      dash-space: "- item"
      question: "? key"
      brackets: "[1, 2]"
      braces: "{a: 1}"
      comma: "a, b"
      single-quote: "it's"
      double-quote: 'say "hi"'
      backslash: 'C:\\path\\to'
      tab: "a\\tb"
      leading-space: "  lead"
      trailing-space: "trail  "
      three-dashes: "---"
      three-dots: "..."
      equals: "="
    """))
    cm_case("format-multiline-block-scalars", d("""
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: blocks
    data:
      literal: |
        line one
        line two
      literal-strip: |-
        no trailing newline
        here
      literal-keep: |+
        keep trailing

      folded: >
        folded text
        becomes one line
      folded-strip: >-
        folded
        stripped
      indented: |2
          starts with spaces
        then less
      quoted-newlines: "a\\nb\\nc"
      trailing-space-line: "x \\ny"
      only-newline: "\\n"
      leading-newline: "\\nstart"
    """))
    cm_case("format-long-strings-wrapped-at-80-columns", d("""
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: long
    data:
      long-plain: "%s"
      long-with-spaces: "%s"
      long-folded: >
        %s
    """) % ("x" * 300, " ".join(["word"] * 60), " ".join(["folded"] * 40)))
    cm_case("format-unicode-strings", d("""
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: unicode
      annotations:
        description: "Ünïcödé — résumé ✓"
    data:
      japanese: 日本語のテキスト
      emoji: "🚀 launch"
      accents: café
      rtl: "שלום"
      escaped: "\\u00e9\\u2713"
      zero-width: "a\\u200bb"
      nbsp: "a\\u00a0b"
      bom: "\\ufeffbom"
    """))
    cm_case("format-key-order-preserved-and-sorted-top", d("""
    spec:
      zeta: 1
      alpha: 2
      middle:
        z: 1
        a: 2
    metadata:
      name: order
      labels:
        z: "1"
        a: "2"
    kind: Widget
    apiVersion: example.com/v1
    status:
      ready: true
    data:
      b: "2"
      a: "1"
    """))
    cm_case("format-integers-floats-booleans-typed", d("""
    apiVersion: example.com/v1
    kind: Config
    metadata:
      name: typed
    spec:
      int: 42
      negative: -7
      zero: 0
      big: 12345678901234567890
      float: 3.14
      float-trailing-zero: 1.50
      exp: 1e3
      hex: 0x1F
      octal: 0o17
      old-octal: 0755
      bool-true: true
      bool-yes: yes
      bool-on: on
      null-value: null
      tilde-value: ~
      empty-value:
      date: 2024-01-02
      string-int: "42"
    """))
    cm_case("format-empty-maps-and-lists", d("""
    apiVersion: example.com/v1
    kind: Config
    metadata:
      name: empties
      labels: {}
      annotations: {}
    spec:
      emptyMap: {}
      emptyList: []
      nested:
        inner: {}
        list:
        - {}
        - []
      emptyString: ""
    """))
    cm_case("format-comments-dropped", d("""
    # leading comment
    apiVersion: v1 # trailing comment
    kind: ConfigMap
    metadata:
      # comment inside
      name: comments
    data:
      # before key
      key: value # after value
      hash: "value # not a comment"
      list: |
        # inside block scalar stays
        line
    # trailing comment
    """))
    cm_case("format-flow-style-input", d("""
    {apiVersion: example.com/v1, kind: Flow, metadata: {name: flow, labels: {a: "1"}}, spec: {list: [1, two, {three: 3}], map: {k: v}, empty: [], str: "quoted: yes"}}
    """))
    cm_case("format-json-input-document", '{"apiVersion":"example.com/v1","kind":"Json","metadata":{"name":"json"},"spec":{"nested":{"b":[1,2,{"c":null}],"a":"x"},"num":1.0,"int":10,"str":"10","bool":false}}\n')
    cm_case("format-anchors-and-aliases-resolved", d("""
    apiVersion: example.com/v1
    kind: Anchored
    metadata:
      name: anchors
    spec:
      defaults: &defaults
        cpu: 100m
        memory: 64Mi
      small:
        <<: *defaults
        memory: 32Mi
      copy: *defaults
      scalar: &s hello
      again: *s
    """))
    cm_case("format-sequence-indentation-and-nesting", d("""
    apiVersion: example.com/v1
    kind: Nested
    metadata:
      name: nest
    spec:
      matrix:
          - - 1
            - 2
          - - 3
      listOfMaps:
          -   name: a
              value: 1
          -   name: b
              items:
                  - x
                  - y
      mapOfLists:
        first: [a, b]
        second:
        - c
    """))
    cm_case("format-quoted-keys", d("""
    apiVersion: example.com/v1
    kind: Keys
    metadata:
      name: keys
    spec:
      "on": yes-key
      "true": bool-key
      "123": number-key
      "with space": spaced
      "colon:key": colon
      "": empty-key
      "null": null-key
      plain: ok
    """))
    cm_case("format-crlf-line-endings", "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: crlf\r\ndata:\r\n  key: value\r\n  block: |\r\n    one\r\n    two\r\n")
    cm_case("format-tabs-and-carriage-returns", 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: controls\ndata:\n  tab: "a\\tb"\n  cr: "a\\rb"\n  literal-tab: |\n    col1\tcol2\n    \n')
    cm_case("format-document-end-markers", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n...\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n...\n")
    cm_case("format-string-with-document-markers-in-block", d("""
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: markers
    data:
      script: |
        echo start
        ---
        echo end
      dashes: "--- not a document"
    """))
    cm_case("format-labels-and-annotations-values", d("""
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: meta
      labels:
        version: "1.0"
        enabled: "true"
        empty: ""
      annotations:
        json: '{"a": 1, "b": [true, null]}'
        multiline: |
          first
          second
        number: "12"
    """), "commonLabels:\n  added: \"007\"\n")
    case("format-document-order-legacy-vs-input", {
        KUST: "resources:\n- z.yaml\n- a.yaml\n",
        "z.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: z\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: z\n",
        "a.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: m\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: a\n---\napiVersion: v2\nkind: ConfigMap\nmetadata:\n  name: a\n",
    })
    case("format-document-order-reorder-none", {
        KUST: "resources:\n- z.yaml\n- a.yaml\n",
        "z.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: z\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: z\n",
        "a.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: m\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: a\n",
    }, flags="--reorder none")
    case("format-patch-introduces-quoted-values", {
        KUST: "resources:\n- cm.yaml\npatches:\n- target:\n    kind: ConfigMap\n  patch: |-\n    - op: add\n      path: /data/new\n      value: \"0123\"\n    - op: add\n      path: /data/multi\n      value: |\n        a\n        b\n    - op: add\n      path: /metadata/annotations\n      value:\n        \"yes\": \"no\"\n",
        "cm.yaml": configmap("c"),
    })
