from _common import KUST, configmap, deployment, service


def define(case, d):
    case("commonlabels-selector-with-matchexpressions-only", {
        KUST: "commonLabels:\n  team: x\nresources:\n- d.yaml\n",
        "d.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchExpressions:\n    - key: app\n      operator: In\n      values: [d]\n  template:\n    metadata:\n      labels:\n        app: d\n    spec:\n      containers:\n      - name: c\n        image: busybox\n",
    })
    case("labels-custom-fields-with-include-selectors", {
        KUST: "labels:\n- pairs:\n    tier: web\n  includeSelectors: true\n  fields:\n  - path: spec/podSelector/matchLabels\n    kind: Scaler\n    create: true\nresources:\n- all.yaml\n",
        "all.yaml": deployment("web") + "---\napiVersion: example.com/v1\nkind: Scaler\nmetadata:\n  name: s\nspec:\n  target: web\n",
    })
    case("format-service-targetport-int-and-string", {
        KUST: "resources:\n- svc.yaml\n",
        "svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - name: a\n    port: 80\n    targetPort: 8080\n  - name: b\n    port: 81\n    targetPort: \"8081\"\n  - name: c\n    port: 82\n    targetPort: http\n",
    })
    case("replacements-bracket-key-in-data-and-label-selector", {
        KUST: "resources:\n- all.yaml\nreplacements:\n- source:\n    kind: ConfigMap\n    name: src\n    fieldPath: data.[app.properties]\n  targets:\n  - select:\n      labelSelector: copy=yes\n    fieldPaths:\n    - data.[copied.properties]\n    options:\n      create: true\n  - select:\n      annotationSelector: also=yes\n    fieldPaths:\n    - metadata.annotations.[example.com/props]\n    options:\n      create: true\n",
        "all.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: src\ndata:\n  app.properties: |\n    a=1\n    b=2\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dst\n  labels:\n    copy: \"yes\"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  annotations:\n    also: \"yes\"\n",
    })
    case("vars-and-replacements-together", {
        KUST: "resources:\n- all.yaml\nvars:\n- name: SVC\n  objref:\n    kind: Service\n    name: web\n    apiVersion: v1\nreplacements:\n- source:\n    kind: Service\n    fieldPath: metadata.name\n  targets:\n  - select:\n      kind: Deployment\n    fieldPaths:\n    - metadata.annotations.svc\n    options:\n      create: true\n",
        "all.yaml": service("web") + "---\n" + deployment("web", extra_container="        args:\n        - --svc=$(SVC)\n"),
    })
    case("images-digest-resource-with-tag-and-digest", {
        KUST: "images:\n- name: app\n  newName: registry.example.com/app\n- name: tool\n  newTag: v2\n  digest: sha256:5555555555555555555555555555555555555555555555555555555555555555\nresources:\n- all.yaml\n",
        "all.yaml": deployment("a", image="app:v1@sha256:6666666666666666666666666666666666666666666666666666666666666666") + "---\n" + deployment("t", image="tool:v1@sha256:7777777777777777777777777777777777777777777777777777777777777777"),
    })
