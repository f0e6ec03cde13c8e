from _common import KUST, deployment


def define(case, d):
    res = {"all.yaml": deployment("a") + "---\n" + deployment("b")}
    smp = "  patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: renamed\n    spec:\n      replicas: 5\n"
    case("patches-smp-target-rename-with-allow-name-change", {
        **res, KUST: "resources:\n- all.yaml\npatches:\n- target:\n    name: a\n  options:\n    allowNameChange: true\n" + smp,
    })
    case("patches-smp-target-rename-without-option-keeps-name", {
        **res, KUST: "resources:\n- all.yaml\npatches:\n- target:\n    name: a\n" + smp,
    })
    case("patches-smp-kind-change-with-allow-kind-change", {
        **res, KUST: "resources:\n- all.yaml\npatches:\n- target:\n    name: b\n  options:\n    allowKindChange: true\n  patch: |-\n    apiVersion: apps/v1\n    kind: StatefulSet\n    metadata:\n      name: b\n    spec:\n      serviceName: b\n",
    })
    case("patches-smp-kind-change-without-option", {
        **res, KUST: "resources:\n- all.yaml\npatches:\n- target:\n    name: b\n  patch: |-\n    apiVersion: apps/v1\n    kind: StatefulSet\n    metadata:\n      name: b\n    spec:\n      serviceName: b\n",
    })
