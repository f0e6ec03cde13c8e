from _common import KUST, deployment


def define(case, d):
    dep = {"d.yaml": deployment("d", image="app:old")}
    case("error-images-newtag-unquoted-float", {**dep, KUST: "resources:\n- d.yaml\nimages:\n- name: app\n  newTag: 1.10\n"}, error="newTag")
    case("error-images-newtag-unquoted-int", {**dep, KUST: "resources:\n- d.yaml\nimages:\n- name: app\n  newTag: 2\n"}, error="newTag")
    case("error-nameprefix-yaml11-boolean", {**dep, KUST: "resources:\n- d.yaml\nnamePrefix: yes\n"}, error="namePrefix")
    case("error-commonannotations-yaml11-boolean", {**dep, KUST: "resources:\n- d.yaml\ncommonAnnotations:\n  enabled: on\n"}, error="commonAnnotations")
    ops = "    - op: add\n      path: {p}\n      value:\n        oct: 0123\n        und: 1_000\n        date: 2001-01-01\n        sexa: 1:20\n        bin: 0b11\n        yes-word: yes\n        off-word: Off\n        tilde: ~\n        float: 1.10\n"
    case("patches-json6902-yaml11-values-into-annotations", {**dep, KUST: "resources:\n- d.yaml\npatches:\n- target:\n    kind: Deployment\n  patch: |-\n" + ops.format(p="/metadata/annotations")})
    case("patches-json6902-yaml11-values-into-spec", {**dep, KUST: "resources:\n- d.yaml\npatches:\n- target:\n    kind: Deployment\n  patch: |-\n" + ops.format(p="/spec/extra")})
    case("patches-smp-yaml12-values-into-spec", {**dep, KUST: "resources:\n- d.yaml\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: d\n    spec:\n      extra:\n        oct: 0123\n        und: 1_000\n        date: 2001-01-01\n        sexa: 1:20\n        bin: 0b11\n        yes-word: yes\n        off-word: Off\n        tilde: ~\n        float: 1.10\n"})
