from _common import KUST, configmap


def define(case, d):
    gen = "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: g\nliterals:\n- a=b\n"
    case("generators-directory-kustomization-prefixes-generator-config", {
        KUST: "generators:\n- gendir\n",
        "gendir/kustomization.yaml": "namePrefix: pre-\nresources:\n- gen.yaml\n",
        "gendir/gen.yaml": gen,
    })
    case("generators-directory-kustomization-patches-generator-config", {
        KUST: "generators:\n- gendir\n",
        "gendir/kustomization.yaml": "resources:\n- gen.yaml\npatches:\n- target:\n    kind: ConfigMapGenerator\n  patch: |-\n    - op: add\n      path: /literals/-\n      value: c=d\n",
        "gendir/gen.yaml": gen,
    })
    case("transformers-directory-kustomization-labels-transformer-config", {
        KUST: "resources:\n- cm.yaml\ntransformers:\n- tdir\n",
        "cm.yaml": configmap("c"),
        "tdir/kustomization.yaml": "resources:\n- t.yaml\npatches:\n- target:\n    kind: AnnotationsTransformer\n  patch: |-\n    - op: replace\n      path: /annotations/from\n      value: patched-config\n",
        "tdir/t.yaml": "apiVersion: builtin\nkind: AnnotationsTransformer\nmetadata:\n  name: a\nannotations:\n  from: original-config\nfieldSpecs:\n- path: metadata/annotations\n  create: true\n",
    })
