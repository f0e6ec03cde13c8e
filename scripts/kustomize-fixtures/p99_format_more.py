from _common import KUST


def define(case, d):
    def cm_case(name, body):
        case(name, {KUST: "resources:\n- r.yaml\n", "r.yaml": body})

    cm_case("format-float-and-integer-rendering", d("""
    apiVersion: example.com/v1
    kind: Numbers
    metadata:
      name: nums
    spec:
      one-point-zero: 1.0
      ten-e-ten: 1e10
      small: 1.5e-7
      negative-zero: -0.0
      precise: 0.30000000000000004
      large-float: 123456789.123456789
      int-max: 9223372036854775807
      beyond-int64: 9223372036854775808
      negative-big: -9223372036854775808
      leading-plus: +12
      plain-zero-float: 0.0
      exp-int-like: 2e0
      list: [1, 1.0, -1, 1.25]
    """))
    cm_case("format-yaml11-ambiguous-strings", d("""
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: yaml11
    data:
      y-lower: "y"
      n-upper: "N"
      yes-mixed: "Yes"
      off-upper: "OFF"
      time-like: "12:30"
      time-like-seconds: "12:30:45"
      octal-like: "0777"
      float-leading-zero: "00.5"
      plus-inf: "+.inf"
      neg-inf: "-.Inf"
      merge-key: "<<"
      binary-like: "0b1010"
      dotted-number: "1.2.3.4"
      leading-dot-word: ".hidden"
      e-word: "e10"
      just-e: "1e"
      underscores: "1_0"
      comma-number: "1,000"
    """))
    cm_case("format-nulls-in-lists-and-maps", d("""
    apiVersion: example.com/v1
    kind: Nulls
    metadata:
      name: nulls
    spec:
      list:
      - null
      - ~
      -
      - "null"
      - ""
      map:
        a: null
        b: ~
        c:
      nested:
      - a: null
    """))
    cm_case("format-long-strings-single-quoted-and-keys", d("""
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: long-quoted
      annotations:
        a-very-long-annotation-key.example.com/with-a-path-segment-that-goes-on-and-on: "value: needs quotes and is long enough to wrap around the eighty column limit for sure"
    data:
      colon-long: "key: value, and then a lot more text so the line is well beyond eighty columns wide"
      hash-long: "#starts with a hash and then continues for a long while beyond the eighty column limit"
      quote-long: "it's a long string with an apostrophe that goes on beyond the eighty column limit ok"
      url-long: "https://example.com/a/very/long/path/that/has/no/spaces/at/all/but/is/longer/than/eighty/columns"
    """))
    cm_case("format-non-ascii-keys-and-sorting", d("""
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: keys-sorting
    data:
      Zebra: "1"
      apple: "2"
      Äpfel: "3"
      _underscore: "4"
      "-dash": "5"
      "10": "6"
      "9": "7"
      B: "8"
      a.b: "9"
      a-b: "10"
      a_b: "11"
      日本: "12"
    """))
    cm_case("format-deeply-nested-and-empty-values", d("""
    apiVersion: example.com/v1
    kind: Deep
    metadata:
      name: deep
    spec:
      l1:
        l2:
          l3:
            l4:
              l5:
                l6:
                  - l7:
                      - - l9: value
                        - {}
                        - []
                        - ""
      emptyInList:
      - {}
      - []
      mapOfEmpty:
        a: {}
        b: []
    """))
