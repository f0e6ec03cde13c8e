from _common import KUST, deployment, service, configmap


def define(case, d):
    rbac = d("""
    apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: sa
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata:
      name: rb
    roleRef:
      apiGroup: rbac.authorization.k8s.io
      kind: ClusterRole
      name: view
    subjects:
    - kind: ServiceAccount
      name: sa
    - kind: ServiceAccount
      name: sa
      namespace: default
    - kind: ServiceAccount
      name: foreign
      namespace: elsewhere
    - kind: Group
      name: devs
      apiGroup: rbac.authorization.k8s.io
    """)
    for mode in ["none", "defaultOnly", "allServiceAccounts"]:
        case(f"transformers-namespacetransformer-rolebinding-subjects-{mode.lower()}", {
            KUST: "resources:\n- rbac.yaml\ntransformers:\n- ns.yaml\n",
            "rbac.yaml": rbac,
            "ns.yaml": f"apiVersion: builtin\nkind: NamespaceTransformer\nmetadata:\n  name: ns\n  namespace: target\nsetRoleBindingSubjects: {mode}\nfieldSpecs:\n- path: metadata/namespace\n  create: true\n",
        })
    case("transformers-imagetagtransformer-custom-fieldspecs", {
        KUST: "resources:\n- cr.yaml\ntransformers:\n- img.yaml\n",
        "cr.yaml": "apiVersion: example.com/v1\nkind: Job2\nmetadata:\n  name: j\nspec:\n  runner:\n    image: tool:1\n  containers:\n  - name: c\n    image: tool:1\n",
        "img.yaml": "apiVersion: builtin\nkind: ImageTagTransformer\nmetadata:\n  name: img\nimageTag:\n  name: tool\n  newTag: \"2\"\nfieldSpecs:\n- path: spec/runner/image\n  kind: Job2\n",
    })
    case("transformers-labeltransformer-limited-kind", {
        KUST: "resources:\n- all.yaml\ntransformers:\n- lbl.yaml\n",
        "all.yaml": deployment() + "---\n" + service() + "---\n" + configmap(),
        "lbl.yaml": "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: lbl\nlabels:\n  only: configmaps\nfieldSpecs:\n- path: metadata/labels\n  kind: ConfigMap\n  create: true\n",
    })
    case("transformers-patchtransformer-smp-from-file-with-options", {
        KUST: "resources:\n- all.yaml\ntransformers:\n- patch.yaml\n",
        "all.yaml": deployment("a") + "---\n" + deployment("b"),
        "patch.yaml": "apiVersion: builtin\nkind: PatchTransformer\nmetadata:\n  name: rename\npatch: |-\n  apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: a-renamed\n  spec:\n    replicas: 9\ntarget:\n  name: a\noptions:\n  allowNameChange: true\n",
    })
    case("transformers-replicacounttransformer-statefulset", {
        KUST: "resources:\n- sts.yaml\ntransformers:\n- rc.yaml\n",
        "sts.yaml": "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db\n  replicas: 1\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n      - name: db\n        image: postgres\n",
        "rc.yaml": "apiVersion: builtin\nkind: ReplicaCountTransformer\nmetadata:\n  name: rc\nreplica:\n  name: db\n  count: 3\nfieldSpecs:\n- path: spec/replicas\n  create: true\n  kind: StatefulSet\n",
    })
    case("generators-configmapgenerator-behavior-merge-plugin", {
        "base/kustomization.yaml": "configMapGenerator:\n- name: cfg\n  literals:\n  - a=1\n",
        KUST: "resources:\n- base\ngenerators:\n- merge.yaml\n",
        "merge.yaml": "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: cfg\nbehavior: merge\nliterals:\n- b=2\n",
    })

    # ---------------------------------------------------------------- more vars
    case("vars-secret-name-and-configmap-key", {
        KUST: "namePrefix: p-\nresources:\n- pod.yaml\nsecretGenerator:\n- name: creds\n  literals:\n  - u=1\nconfigMapGenerator:\n- name: settings\n  literals:\n  - endpoint=https://api.example.com\nvars:\n- name: CREDS_NAME\n  objref:\n    kind: Secret\n    name: creds\n    apiVersion: v1\n- name: ENDPOINT\n  objref:\n    kind: ConfigMap\n    name: settings\n    apiVersion: v1\n  fieldref:\n    fieldpath: data.endpoint\n",
        "pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [\"sh\", \"-c\", \"echo $(CREDS_NAME) $(ENDPOINT)\"]\n    env:\n    - name: E\n      value: $(ENDPOINT)/v1\n    - name: ESCAPED\n      value: $$(ENDPOINT)\n",
    })
    case("vars-deployment-label-fieldref", {
        KUST: "resources:\n- all.yaml\nvars:\n- name: APP_LABEL\n  objref:\n    kind: Deployment\n    name: web\n    apiVersion: apps/v1\n  fieldref:\n    fieldpath: metadata.labels.app\n- name: REPLICAS\n  objref:\n    kind: Deployment\n    name: web\n    apiVersion: apps/v1\n  fieldref:\n    fieldpath: spec.replicas\n",
        "all.yaml": deployment("web", extra_container="        args:\n        - --label=$(APP_LABEL)\n        - --replicas=$(REPLICAS)\n"),
    })
    case("vars-in-cronjob-and-initcontainers", {
        KUST: "resources:\n- all.yaml\nvars:\n- name: SVC\n  objref:\n    kind: Service\n    name: api\n    apiVersion: v1\n",
        "all.yaml": service("api") + "---\n" + "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: ping\nspec:\n  schedule: \"* * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          initContainers:\n          - name: wait\n            image: busybox\n            command: [\"sh\", \"-c\", \"until nslookup $(SVC); do sleep 1; done\"]\n          containers:\n          - name: ping\n            image: curlimages/curl\n            args: [\"http://$(SVC)/ping\"]\n",
    })

    # ---------------------------------------------------------------- more load restrictor / overlays
    case("loadrestrictor-none-symlink-outside-root", {
        "app/kustomization.yaml": "resources:\n- linked/cm.yaml\n",
        "shared/cm.yaml": configmap("shared"),
    }, symlinks={"app/linked": "../shared"}, root="app", flags="--load-restrictor LoadRestrictionsNone")
    case("loadrestrictor-none-with-reorder-none", {
        "app/kustomization.yaml": "resources:\n- ../b.yaml\n- ../a.yaml\n",
        "a.yaml": service("a"),
        "b.yaml": deployment("b"),
    }, root="app", flags="--reorder none --load-restrictor LoadRestrictionsNone")
    case("error-loadrestrictor-rootonly-env-file-outside-root", {
        "app/kustomization.yaml": "configMapGenerator:\n- name: cfg\n  envs:\n  - ../shared.env\n",
        "shared.env": "A=1\n",
    }, root="app", error="shared.env")
    case("error-loadrestrictor-rootonly-openapi-outside-root", {
        "app/kustomization.yaml": "openapi:\n  path: ../schema.json\nresources:\n- cm.yaml\n",
        "app/cm.yaml": configmap(),
        "schema.json": "{\"definitions\": {}}\n",
    }, root="app", error="schema.json")
    case("error-loadrestrictor-rootonly-configurations-outside-root", {
        "app/kustomization.yaml": "configurations:\n- ../cfg.yaml\nresources:\n- cm.yaml\n",
        "app/cm.yaml": configmap(),
        "cfg.yaml": "namePrefix:\n- path: metadata/name\n",
    }, root="app", error="cfg.yaml")
    case("error-loadrestrictor-rootonly-transformer-file-outside-root", {
        "app/kustomization.yaml": "transformers:\n- ../t.yaml\nresources:\n- cm.yaml\n",
        "app/cm.yaml": configmap(),
        "t.yaml": "apiVersion: builtin\nkind: AnnotationsTransformer\nmetadata:\n  name: a\nannotations:\n  a: b\nfieldSpecs:\n- path: metadata/annotations\n  create: true\n",
    }, root="app", error="t.yaml")

    # ---------------------------------------------------------------- more components
    case("components-listed-in-base-and-overlay-order", {
        "base/kustomization.yaml": "resources:\n- cm.yaml\ncomponents:\n- ../comp-base\n",
        "base/cm.yaml": configmap("settings"),
        "comp-base/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n- target:\n    kind: ConfigMap\n  patch: |-\n    - op: add\n      path: /data/from-base-component\n      value: \"1\"\n",
        "comp-overlay/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnameSuffix: -comp\npatches:\n- target:\n    kind: ConfigMap\n  patch: |-\n    - op: add\n      path: /data/from-overlay-component\n      value: \"2\"\n",
        "overlay/kustomization.yaml": "namePrefix: ov-\nresources:\n- ../base\ncomponents:\n- ../comp-overlay\n",
    }, root="overlay")
    case("components-with-namespace-and-labels", {
        "base/kustomization.yaml": "resources:\n- all.yaml\n",
        "base/all.yaml": deployment() + "---\n" + service(),
        "comp/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnamespace: from-component\nlabels:\n- pairs:\n    component: applied\n  includeSelectors: false\n",
        KUST: "resources:\n- base\ncomponents:\n- comp\n",
    })
    case("components-secretgenerator-and-replacements-chain", {
        "base/kustomization.yaml": "resources:\n- deploy.yaml\n",
        "base/deploy.yaml": deployment("app", extra_container="        env:\n        - name: SECRET_NAME\n          value: tbd\n"),
        "comp/kustomization.yaml": d("""
        apiVersion: kustomize.config.k8s.io/v1alpha1
        kind: Component
        secretGenerator:
        - name: app-secret
          literals:
          - k=v
        replacements:
        - source:
            kind: Secret
            name: app-secret
            fieldPath: metadata.name
          targets:
          - select:
              kind: Deployment
            fieldPaths:
            - spec.template.spec.containers.[name=app].env.[name=SECRET_NAME].value
        """),
        KUST: "namePrefix: x-\nresources:\n- base\ncomponents:\n- comp\n",
    })
