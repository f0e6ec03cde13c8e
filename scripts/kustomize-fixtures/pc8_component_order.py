from _common import KUST, configmap


def define(case, d):
    comp = lambda body: "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n" + body
    case("components-patch-sees-overlay-resources-and-generators", {
        KUST: "resources:\n- cm.yaml\nconfigMapGenerator:\n- name: gen\n  literals:\n  - a=b\ncomponents:\n- c\n",
        "cm.yaml": configmap("own"),
        "c/kustomization.yaml": comp("patches:\n- target:\n    kind: ConfigMap\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value:\n        seen-by-component: \"yes\"\n"),
    })
    case("components-later-component-resources-not-seen-by-earlier", {
        KUST: "resources:\n- cm.yaml\ncomponents:\n- first\n- second\n",
        "cm.yaml": configmap("own"),
        "first/kustomization.yaml": comp("patches:\n- target:\n    kind: ConfigMap\n  patch: |-\n    - op: add\n      path: /metadata/labels\n      value:\n        first: patched\n"),
        "second/kustomization.yaml": comp("resources:\n- extra.yaml\n"),
        "second/extra.yaml": configmap("from-second"),
    })
    case("components-overlay-transformers-apply-to-component-resources", {
        KUST: "namePrefix: ov-\ncommonLabels:\n  layer: overlay\nresources:\n- cm.yaml\ncomponents:\n- c\npatches:\n- target:\n    name: from-component\n  patch: |-\n    - op: add\n      path: /data/overlay-patched\n      value: \"yes\"\n",
        "cm.yaml": configmap("own"),
        "c/kustomization.yaml": comp("resources:\n- extra.yaml\nnameSuffix: -c\n"),
        "c/extra.yaml": configmap("from-component"),
    })
    case("components-generator-merge-in-component-into-base-generator", {
        "base/kustomization.yaml": "configMapGenerator:\n- name: settings\n  literals:\n  - mode=base\n",
        "c/kustomization.yaml": comp("configMapGenerator:\n- name: settings\n  behavior: merge\n  literals:\n  - extra=from-component\nsecretGenerator:\n- name: comp-secret\n  literals:\n  - k=v\n"),
        KUST: "resources:\n- base\ncomponents:\n- c\nconfigMapGenerator:\n- name: settings\n  behavior: merge\n  literals:\n  - mode=overlay\n",
    })
