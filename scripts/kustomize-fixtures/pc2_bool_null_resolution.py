from _common import KUST


def define(case, d):
    values = ["true", "True", "TRUE", "tRue", "false", "False", "FALSE", "yes", "Yes", "YES", "y", "Y", "no", "No", "n", "N",
              "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "nUll", "~", "", "'true'", "\"null\""]
    body = "".join(f"  v{i:02d}: {v}\n" for i, v in enumerate(values))
    case("format-unquoted-bool-and-null-resolution-matrix", {
        KUST: "resources:\n- r.yaml\n",
        "r.yaml": "apiVersion: example.com/v1\nkind: Bools\nmetadata:\n  name: resolution\nspec:\n" + body + "  list: [true, yes, on, null, ~, Y]\n",
    })
    case("format-bool-and-null-values-through-patch-and-labels", {
        KUST: "resources:\n- r.yaml\ncommonAnnotations:\n  flag: \"on\"\npatches:\n- target:\n    kind: Bools\n  patch: |-\n    - op: add\n      path: /spec/fromPatchYes\n      value: yes\n    - op: add\n      path: /spec/fromPatchOn\n      value: on\n    - op: add\n      path: /spec/fromPatchTilde\n      value: ~\n- patch: |-\n    apiVersion: example.com/v1\n    kind: Bools\n    metadata:\n      name: resolution\n    spec:\n      smpYes: yes\n      smpNo: no\n      smpNull: null\n",
        "r.yaml": "apiVersion: example.com/v1\nkind: Bools\nmetadata:\n  name: resolution\nspec:\n  base: true\n  smpNull: set\n",
    })
