from _common import KUST, deployment


def define(case, d):
    case("vars-non-string-values-whole-field-and-embedded", {
        KUST: "resources:\n- all.yaml\nvars:\n- name: REPLICAS\n  objref:\n    kind: Deployment\n    name: web\n    apiVersion: apps/v1\n  fieldref:\n    fieldpath: spec.replicas\n- name: PAUSED\n  objref:\n    kind: Deployment\n    name: web\n    apiVersion: apps/v1\n  fieldref:\n    fieldpath: spec.paused\n",
        "all.yaml": deployment("web", replicas=3).replace("  replicas: 3\n", "  replicas: 3\n  paused: false\n") + "---\n" + deployment("job", extra_container="        args:\n        - $(REPLICAS)\n        - --replicas=$(REPLICAS)\n        - $(PAUSED)\n        env:\n        - name: R\n          value: $(REPLICAS)\n        - name: P\n          value: paused=$(PAUSED)\n"),
    })
    case("replacements-string-source-into-int-field-and-back", {
        KUST: "resources:\n- all.yaml\nreplacements:\n- source:\n    kind: ConfigMap\n    fieldPath: data.replicas\n  targets:\n  - select:\n      kind: Deployment\n    fieldPaths:\n    - spec.replicas\n- source:\n    kind: Deployment\n    fieldPath: spec.template.spec.terminationGracePeriodSeconds\n  targets:\n  - select:\n      kind: ConfigMap\n    fieldPaths:\n    - data.grace\n    options:\n      create: true\n",
        "all.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sizes\ndata:\n  replicas: \"0123\"\n---\n" + deployment("web", extra_pod="      terminationGracePeriodSeconds: 30\n"),
    })
