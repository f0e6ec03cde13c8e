from _common import KUST, configmap


def define(case, d):
    cm = {"cm.yaml": configmap("c")}
    case("resources-helmglobals-alone-is-ignored", {**cm, KUST: "resources:\n- cm.yaml\nhelmGlobals:\n  chartHome: charts\n"})
    case("error-openapi-path-missing", {**cm, KUST: "resources:\n- cm.yaml\nopenapi:\n  path: missing-schema.json\n"}, error="missing-schema.json")
    case("error-crds-file-missing", {**cm, KUST: "resources:\n- cm.yaml\ncrds:\n- missing-crd.json\n"}, error="missing-crd.json")
    case("error-configurations-file-missing", {**cm, KUST: "resources:\n- cm.yaml\nconfigurations:\n- missing-config.yaml\n"}, error="missing-config.yaml")
    case("error-replacements-path-missing", {**cm, KUST: "resources:\n- cm.yaml\nreplacements:\n- path: missing-replacement.yaml\n"}, error="missing-replacement.yaml")
    case("error-patchesjson6902-path-missing", {**cm, KUST: "resources:\n- cm.yaml\npatchesJson6902:\n- target:\n    version: v1\n    kind: ConfigMap\n    name: c\n  path: missing-ops.yaml\n"}, error="missing-ops.yaml")
    case("error-kustomization-wrong-apiversion", {**cm, KUST: "apiVersion: kustomize.config.k8s.io/v2\nkind: Kustomization\nresources:\n- cm.yaml\n"}, error="kustomize.config.k8s.io/v2")
    case("error-kustomization-wrong-kind", {**cm, KUST: "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Something\nresources:\n- cm.yaml\n"}, error="Something")
    case("error-openapi-version-not-built-in", {**cm, KUST: "resources:\n- cm.yaml\nopenapi:\n  version: v9.99\n"}, error="v9.99")
    case("images-entry-without-name-is-noop", {**cm, KUST: "resources:\n- cm.yaml\nimages:\n- newTag: x\n"})
    case("labels-entry-without-pairs-is-noop", {**cm, KUST: "resources:\n- cm.yaml\nlabels:\n- includeSelectors: true\n"})
