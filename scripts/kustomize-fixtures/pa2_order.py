from _common import KUST, deployment, service, configmap


def define(case, d):
    base = {"all.yaml": deployment("web") + "---\n" + deployment("api") + "---\n" + service("web")}
    case("interaction-patch-target-sees-unprefixed-name-in-same-kustomization", {
        **base,
        KUST: "namePrefix: pre-\nresources:\n- all.yaml\npatches:\n- target:\n    name: web\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value:\n        matched: original-name\n- target:\n    name: pre-web\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value:\n        matched: prefixed-name\n",
    })
    case("interaction-patch-labelselector-vs-labels-in-same-kustomization", {
        **base,
        KUST: "labels:\n- pairs:\n    added: by-labels\nresources:\n- all.yaml\npatches:\n- target:\n    labelSelector: added=by-labels\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value:\n        saw-label: \"true\"\n",
    })
    case("interaction-patch-namespace-selector-vs-namespace-field", {
        **base,
        KUST: "namespace: moved\nresources:\n- all.yaml\npatches:\n- target:\n    namespace: moved\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value:\n        saw-namespace: \"true\"\n",
    })
    case("interaction-images-vs-patch-order", {
        **base,
        KUST: "images:\n- name: nginx\n  newTag: from-images\nresources:\n- all.yaml\npatches:\n- target:\n    kind: Deployment\n    name: api\n  patch: |-\n    - op: replace\n      path: /spec/template/spec/containers/0/image\n      value: nginx:from-patch\n",
    })
    case("interaction-replicas-vs-patch-order", {
        **base,
        KUST: "replicas:\n- name: web\n  count: 7\nresources:\n- all.yaml\npatches:\n- target:\n    kind: Deployment\n    name: web\n  patch: |-\n    - op: replace\n      path: /spec/replicas\n      value: 2\n",
    })
    case("interaction-replacements-see-final-names-and-namespace", {
        **base,
        KUST: "namePrefix: p-\nnamespace: ns\nresources:\n- all.yaml\nreplacements:\n- source:\n    kind: Service\n    name: web\n    fieldPath: metadata.name\n  targets:\n  - select:\n      kind: Deployment\n      name: api\n    fieldPaths:\n    - metadata.annotations.web-service\n    options:\n      create: true\n- source:\n    kind: Service\n    fieldPath: metadata.namespace\n  targets:\n  - select:\n      kind: Deployment\n    fieldPaths:\n    - metadata.annotations.web-namespace\n    options:\n      create: true\n",
    })
    case("interaction-commonannotations-vs-patch-null", {
        **base,
        KUST: "commonAnnotations:\n  team: core\nresources:\n- all.yaml\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n      annotations:\n        team: null\n",
    })
    # ---------------------------------------------------------------- SMP/JSON patch corner cases
    dep = deployment("web", extra_container="      - name: sidecar\n        image: envoy\n")
    case("patches-smp-list-items-without-merge-key-value", {
        "deploy.yaml": dep,
        KUST: "resources:\n- deploy.yaml\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n    spec:\n      template:\n        spec:\n          containers:\n          - image: nameless:1\n",
    })
    case("patches-smp-top-level-replace-directive", {
        "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    keep: \"no\"\ndata:\n  a: \"1\"\n  b: \"2\"\n",
        KUST: "resources:\n- cm.yaml\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: c\n    data:\n      $patch: replace\n      only: this\n",
    })
    case("error-patch-smp-scalar-to-map", {
        "cr.yaml": "apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\nspec:\n  mode: simple\n  advanced:\n    a: 1\n",
        KUST: "resources:\n- cr.yaml\npatches:\n- patch: |-\n    apiVersion: example.com/v1\n    kind: Thing\n    metadata:\n      name: t\n    spec:\n      mode:\n        kind: complex\n",
    }, error="mode")
    case("error-patch-smp-map-to-scalar", {
        "cr.yaml": "apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\nspec:\n  mode: simple\n  advanced:\n    a: 1\n",
        KUST: "resources:\n- cr.yaml\npatches:\n- patch: |-\n    apiVersion: example.com/v1\n    kind: Thing\n    metadata:\n      name: t\n    spec:\n      advanced: none\n",
    }, error="advanced")
    case("patches-json6902-negative-index", {
        "deploy.yaml": dep,
        KUST: "resources:\n- deploy.yaml\npatches:\n- target:\n    kind: Deployment\n  patch: |-\n    - op: replace\n      path: /spec/template/spec/containers/-1/image\n      value: envoy:pinned\n",
    })
    case("patches-json6902-multiline-string-value", {
        "cm.yaml": configmap("c"),
        KUST: "resources:\n- cm.yaml\npatches:\n- target:\n    kind: ConfigMap\n  patch: |-\n    - op: add\n      path: /data/script\n      value: |\n        #!/bin/sh\n        echo hi\n    - op: add\n      path: /data/folded\n      value: >-\n        one\n        two\n",
    })
    case("patches-json6902-test-on-object-then-replace", {
        "deploy.yaml": dep,
        KUST: "resources:\n- deploy.yaml\npatches:\n- target:\n    kind: Deployment\n  patch: |-\n    - op: test\n      path: /spec/selector\n      value:\n        matchLabels:\n          app: web\n    - op: replace\n      path: /spec/selector/matchLabels\n      value:\n        app: web\n        tier: front\n",
    })
    case("patches-inline-json-patch-as-json-string", {
        "cm.yaml": configmap("c"),
        KUST: "resources:\n- cm.yaml\npatches:\n- target:\n    kind: ConfigMap\n  patch: '[{\"op\": \"add\", \"path\": \"/data/json\", \"value\": \"from json\"}]'\n",
    })
    case("patches-smp-as-json-document", {
        "cm.yaml": configmap("c"),
        KUST: "resources:\n- cm.yaml\npatches:\n- path: patch.json\n",
        "patch.json": '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"fromJson": "yes"}}\n',
    })
    case("replacements-select-name-is-not-regex", {
        **base,
        KUST: "resources:\n- all.yaml\nreplacements:\n- source:\n    kind: Service\n    fieldPath: metadata.name\n  targets:\n  - select:\n      kind: Deployment\n      name: w.*\n    fieldPaths:\n    - metadata.annotations.svc\n    options:\n      create: true\n",
    })
    case("replacements-create-list-index", {
        **base,
        KUST: "resources:\n- all.yaml\nreplacements:\n- source:\n    kind: Service\n    fieldPath: metadata.name\n  targets:\n  - select:\n      kind: Deployment\n      name: web\n    fieldPaths:\n    - spec.template.spec.containers.[name=web].env.[name=SVC].value\n    options:\n      create: true\n",
    })
