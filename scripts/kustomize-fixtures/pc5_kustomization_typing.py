from _common import KUST, deployment


def define(case, d):
    dep = {"d.yaml": deployment("d", image="app:old")}
    case("error-namespace-unquoted-number", {**dep, KUST: "resources:\n- d.yaml\nnamespace: 0123\n"}, error="namespace")
    case("resources-null-namespace-and-prefix-are-unset", {**dep, KUST: "resources:\n- d.yaml\nnamespace: null\nnamePrefix: ~\n"})
    case("error-resources-entry-is-a-number", {**dep, KUST: "resources:\n- d.yaml\n- 123\n"}, error="resources")
    case("error-commonlabels-unquoted-yaml11-key", {**dep, KUST: "resources:\n- d.yaml\ncommonLabels:\n  on: x\n"}, error="commonLabels")
    case("resources-anchors-and-aliases-in-kustomization", {**dep, KUST: "resources:\n- d.yaml\ncommonLabels: &l\n  team: a\ncommonAnnotations: *l\n"})
    case("resources-kustomization-written-as-json", {**dep, KUST: '{"resources": ["d.yaml"], "namePrefix": "json-", "commonLabels": {"from": "json"}}\n'})
    case("error-configmapgenerator-literal-is-a-number", {KUST: "configMapGenerator:\n- name: g\n  literals:\n  - 123\n"}, error="123")
