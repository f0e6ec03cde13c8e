from _common import KUST, deployment


def define(case, d):
    dep = {"d.yaml": deployment("d", image="app:old").replace("  replicas: 1\n", "")}
    case("replicas-count-yaml11-hex-octal-exponent", {
        **dep,
        "e.yaml": deployment("e").replace("  replicas: 1\n", ""),
        "f.yaml": deployment("f").replace("  replicas: 1\n", ""),
        KUST: "resources:\n- d.yaml\n- e.yaml\n- f.yaml\nreplicas:\n- name: d\n  count: 0x10\n- name: e\n  count: 010\n- name: f\n  count: 1e1\n",
    })
    case("error-replicas-count-quoted-string", {**dep, KUST: "resources:\n- d.yaml\nreplicas:\n- name: d\n  count: \"3\"\n"}, error="count")
    case("labels-and-generator-options-yaml11-booleans", {
        **dep,
        KUST: "resources:\n- d.yaml\nlabels:\n- pairs:\n    a: b\n  includeSelectors: yes\n  includeTemplates: on\ngeneratorOptions:\n  disableNameSuffixHash: On\nconfigMapGenerator:\n- name: g\n  literals:\n  - a=b\n  options:\n    immutable: Y\n",
    })
