from _common import KUST, deployment, service, configmap


def define(case, d):
    web = deployment("web", image="nginx:1.25.3", extra_container=d("""
            env:
            - name: A
              value: "1"
            - name: B
              value: "2"
            resources:
              limits:
                cpu: 500m
                memory: 256Mi
            volumeMounts:
            - name: cache
              mountPath: /cache
          - name: sidecar
            image: envoyproxy/envoy:v1.30
          volumes:
          - name: cache
            emptyDir: {}
    """).replace("\n", "\n      ").rstrip(" ").join(["      ", ""]) if False else
        "        env:\n        - name: A\n          value: \"1\"\n        - name: B\n          value: \"2\"\n"
        "        resources:\n          limits:\n            cpu: 500m\n            memory: 256Mi\n"
        "        volumeMounts:\n        - name: cache\n          mountPath: /cache\n"
        "      - name: sidecar\n        image: envoyproxy/envoy:v1.30\n"
        "      volumes:\n      - name: cache\n        emptyDir: {}\n")
    base = {"deploy.yaml": web, "service.yaml": service("web")}
    res = "resources:\n- deploy.yaml\n- service.yaml\n"

    # ---------------------------------------------------------------- patches (SMP)
    case("patches-smp-inline", {
        **base,
        KUST: res + d("""
        patches:
        - patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 3
              template:
                spec:
                  containers:
                  - name: web
                    resources:
                      limits:
                        memory: 512Mi
        """),
    })
    case("patches-smp-from-file", {
        **base,
        KUST: res + "patches:\n- path: patch.yaml\n",
        "patch.yaml": d("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels:
            patched: "yes"
        spec:
          template:
            spec:
              containers:
              - name: web
                image: nginx:1.27.0
        """),
    })
    case("patches-smp-merge-env-by-name", {
        **base,
        KUST: res + d("""
        patches:
        - patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                  - name: web
                    env:
                    - name: B
                      value: "20"
                    - name: C
                      value: "3"
        """),
    })
    case("patches-smp-add-container-and-volume", {
        **base,
        KUST: res + d("""
        patches:
        - patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                  - name: metrics
                    image: prom/statsd-exporter:v0.26.0
                    ports:
                    - containerPort: 9102
                  volumes:
                  - name: tmp
                    emptyDir:
                      medium: Memory
        """),
    })
    case("patches-smp-delete-container-directive", {
        **base,
        KUST: res + d("""
        patches:
        - patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                  - name: sidecar
                    $patch: delete
        """),
    })
    case("patches-smp-replace-directive", {
        **base,
        KUST: res + d("""
        patches:
        - patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                  - name: web
                    resources:
                      $patch: replace
                      requests:
                        cpu: 100m
        """),
    })
    case("patches-smp-replace-list-directive", {
        **base,
        KUST: res + d("""
        patches:
        - patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                  - name: only
                    image: busybox
                  - $patch: replace
        """),
    })
    case("patches-smp-delete-whole-resource", {
        **base,
        KUST: res + d("""
        patches:
        - patch: |-
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            $patch: delete
        """),
    })
    case("patches-smp-null-removes-field", {
        **base,
        KUST: res + d("""
        patches:
        - patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels:
                app: null
            spec:
              replicas: null
              template:
                spec:
                  containers:
                  - name: web
                    resources: null
        """),
    })
    case("patches-smp-setelementorder", {
        **base,
        KUST: res + d("""
        patches:
        - patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  $setElementOrder/containers:
                  - name: sidecar
                  - name: web
                  containers:
                  - name: web
                    image: nginx:1.26
        """),
    })
    case("patches-smp-ports-merge-key", {
        "svc.yaml": d("""
        apiVersion: v1
        kind: Service
        metadata:
          name: multi
        spec:
          selector:
            app: multi
          ports:
          - name: http
            port: 80
            targetPort: 8080
          - name: metrics
            port: 9090
        """),
        "deploy.yaml": deployment("multi"),
        KUST: "resources:\n- svc.yaml\n- deploy.yaml\n" + d("""
        patches:
        - patch: |-
            apiVersion: v1
            kind: Service
            metadata:
              name: multi
            spec:
              ports:
              - port: 9090
                name: prom
              - port: 443
                name: https
                targetPort: 8443
        - patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: multi
            spec:
              template:
                spec:
                  containers:
                  - name: multi
                    ports:
                    - containerPort: 8080
                      name: http
                    - containerPort: 9090
                      name: metrics
        """),
    })
    case("patches-smp-primitive-list-replaced", {
        "deploy.yaml": deployment("web", extra_container="        args:\n        - --a\n        - --b\n        command:\n        - /bin/app\n"),
        KUST: "resources:\n- deploy.yaml\n" + d("""
        patches:
        - patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                  - name: web
                    args:
                    - --c
        """),
    })
    case("patches-smp-finalizers-merge", {
        "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  finalizers:\n  - a.example.com/one\ndata:\n  x: \"1\"\n",
        KUST: "resources:\n- cm.yaml\n" + d("""
        patches:
        - patch: |-
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: c
              finalizers:
              - b.example.com/two
            data:
              y: "2"
        """),
    })
    case("patches-smp-deletefromprimitivelist", {
        "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  finalizers:\n  - keep.example.com\n  - drop.example.com\n",
        KUST: "resources:\n- cm.yaml\n" + d("""
        patches:
        - patch: |-
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: c
              $deleteFromPrimitiveList/finalizers:
              - drop.example.com
        """),
    })
    case("patches-smp-custom-resource-lists-replaced", {
        "cr.yaml": d("""
        apiVersion: example.com/v1
        kind: Pipeline
        metadata:
          name: build
        spec:
          steps:
          - name: checkout
            image: git
          - name: test
            image: golang
          params:
            retries: 3
            timeout: 10m
        """),
        KUST: "resources:\n- cr.yaml\n" + d("""
        patches:
        - patch: |-
            apiVersion: example.com/v1
            kind: Pipeline
            metadata:
              name: build
            spec:
              steps:
              - name: test
                image: golang:1.22
              params:
                retries: 5
        """),
    })
    case("patches-smp-multiple-docs-in-file", {
        **base,
        KUST: res + "patches:\n- path: patches.yaml\n",
        "patches.yaml": d("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          type: NodePort
        """),
    })
    case("patches-smp-with-target-applies-to-many", {
        "all.yaml": deployment("a") + "---\n" + deployment("b") + "---\n" + deployment("c", app="other"),
        KUST: "resources:\n- all.yaml\n" + d("""
        patches:
        - target:
            kind: Deployment
            labelSelector: app in (a,b)
          patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: ignored
            spec:
              template:
                spec:
                  nodeSelector:
                    kubernetes.io/os: linux
        """),
    })
    case("patches-smp-order-later-wins", {
        **base,
        KUST: res + d("""
        patches:
        - patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 2
        - patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 7
        """),
    })
    case("patches-smp-retainkeys-strategy", {
        "deploy.yaml": deployment("web").replace("  replicas: 1\n", "  replicas: 1\n  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 1\n"),
        KUST: "resources:\n- deploy.yaml\n" + d("""
        patches:
        - patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              strategy:
                $retainKeys:
                - type
                type: Recreate
        """),
    })
    case("patches-smp-tolerations-and-affinity", {
        **base,
        KUST: res + d("""
        patches:
        - patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  tolerations:
                  - key: dedicated
                    operator: Equal
                    value: web
                    effect: NoSchedule
                  affinity:
                    podAntiAffinity:
                      preferredDuringSchedulingIgnoredDuringExecution:
                      - weight: 100
                        podAffinityTerm:
                          topologyKey: kubernetes.io/hostname
                          labelSelector:
                            matchLabels:
                              app: web
        """),
    })

    # ---------------------------------------------------------------- patches (JSON 6902)
    case("patches-json6902-inline", {
        **base,
        KUST: res + d("""
        patches:
        - target:
            group: apps
            version: v1
            kind: Deployment
            name: web
          patch: |-
            - op: replace
              path: /spec/replicas
              value: 4
            - op: add
              path: /metadata/annotations
              value:
                owner: team-a
        """),
    })
    case("patches-json6902-from-file", {
        **base,
        KUST: res + "patches:\n- path: patch.yaml\n  target:\n    kind: Deployment\n    name: web\n",
        "patch.yaml": d("""
        - op: add
          path: /spec/template/spec/containers/0/env/-
          value:
            name: C
            value: "3"
        - op: remove
          path: /spec/template/spec/containers/1
        """),
    })
    case("patches-json6902-json-format-file", {
        **base,
        KUST: res + "patches:\n- path: patch.json\n  target:\n    kind: Service\n",
        "patch.json": '[\n  {"op": "replace", "path": "/spec/ports/0/port", "value": 8080},\n  {"op": "add", "path": "/spec/type", "value": "LoadBalancer"}\n]\n',
    })
    case("patches-json6902-all-operations", {
        "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ops\ndata:\n  a: one\n  b: two\n  c: three\n",
        KUST: "resources:\n- cm.yaml\n" + d("""
        patches:
        - target:
            kind: ConfigMap
            name: ops
          patch: |-
            - op: test
              path: /data/a
              value: one
            - op: copy
              from: /data/a
              path: /data/a2
            - op: move
              from: /data/b
              path: /data/moved
            - op: remove
              path: /data/c
            - op: add
              path: /data/d
              value: four
            - op: replace
              path: /data/a
              value: uno
        """),
    })
    case("patches-json6902-escaped-path", {
        "deploy.yaml": deployment("web").replace("  labels:\n    app: web\n", "  labels:\n    app: web\n  annotations:\n    example.com/owner: old\n", 1),
        KUST: "resources:\n- deploy.yaml\n" + d("""
        patches:
        - target:
            kind: Deployment
          patch: |-
            - op: replace
              path: /metadata/annotations/example.com~1owner
              value: new
            - op: add
              path: /metadata/labels/app.kubernetes.io~1name
              value: web
            - op: add
              path: /metadata/annotations/tilde~0key
              value: x
        """),
    })
    case("patches-json6902-append-and-insert", {
        **base,
        KUST: res + d("""
        patches:
        - target:
            kind: Deployment
          patch: |-
            - op: add
              path: /spec/template/spec/containers/0/args
              value: ["--port=8080"]
            - op: add
              path: /spec/template/spec/containers/0/args/-
              value: --verbose
            - op: add
              path: /spec/template/spec/containers/0/args/0
              value: serve
        """),
    })
    case("patches-json6902-value-types", {
        "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: types\n",
        KUST: "resources:\n- cm.yaml\n" + d("""
        patches:
        - target:
            kind: ConfigMap
          patch: |-
            - op: add
              path: /data
              value:
                str: "true"
                num: "10"
            - op: add
              path: /spec
              value:
                int: 10
                bool: true
                float: 1.5
                nothing: null
                list: [1, "2", three]
                empty: {}
        """),
    })

    # ---------------------------------------------------------------- target selectors
    many = "---\n".join([
        deployment("frontend", app="frontend"),
        deployment("backend", app="backend"),
        deployment("backend-worker", app="backend"),
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: backend-db\n  namespace: data\n  labels:\n    app: backend\n  annotations:\n    tier: storage\nspec:\n  serviceName: backend-db\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n      - name: db\n        image: postgres:16\n",
        "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: legacy\n  annotations:\n    tier: edge\n",
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: modern\n  annotations:\n    tier: edge\n",
    ])
    mark = "  patch: |-\n    - op: add\n      path: /metadata/annotations/patched\n      value: \"{v}\"\n"
    for cname, target in [
        ("patches-target-kind", "    kind: StatefulSet\n"),
        ("patches-target-name-regex", "    name: backend.*\n"),
        ("patches-target-name-anchored-regex", "    name: ^back.*er$\n"),
        ("patches-target-namespace", "    namespace: data\n"),
        ("patches-target-group-version", "    group: networking.k8s.io\n    version: v1\n"),
        ("patches-target-group-only", "    group: extensions\n"),
        ("patches-target-labelselector", "    labelSelector: app=backend\n"),
        ("patches-target-labelselector-set-based", "    labelSelector: app notin (frontend),app\n"),
        ("patches-target-annotationselector", "    annotationSelector: tier=edge\n"),
        ("patches-target-kind-and-name-alternation", "    kind: Deployment|StatefulSet\n    name: (frontend|backend-db)\n"),
    ]:
        case(cname, {
            "all.yaml": many,
            KUST: "resources:\n- all.yaml\npatches:\n- target:\n" + target + mark.format(v=cname),
        })
    case("patches-allow-name-change", {
        **base,
        KUST: res + d("""
        patches:
        - options:
            allowNameChange: true
          patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 2
          target:
            kind: Deployment
            name: web
        - options:
            allowNameChange: true
          target:
            kind: Service
          patch: |-
            - op: replace
              path: /metadata/name
              value: web-renamed
        """),
    })
    case("patches-allow-kind-change", {
        "cm.yaml": configmap("settings"),
        "pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n    envFrom:\n    - configMapRef:\n        name: settings\n",
        KUST: "resources:\n- cm.yaml\n- pod.yaml\n" + d("""
        patches:
        - options:
            allowKindChange: true
          target:
            kind: ConfigMap
            name: settings
          patch: |-
            - op: replace
              path: /kind
              value: Secret
            - op: add
              path: /type
              value: Opaque
        """),
    })
    case("patches-target-no-match-is-noop", {
        **base,
        KUST: res + d("""
        patches:
        - target:
            kind: Deployment
            name: does-not-exist
          patch: |-
            - op: replace
              path: /spec/replicas
              value: 9
        """),
    })

    # ---------------------------------------------------------------- legacy patchesStrategicMerge / patchesJson6902
    case("patchesstrategicmerge-file", {
        **base,
        KUST: res + "patchesStrategicMerge:\n- replicas.yaml\n- resources.yaml\n",
        "replicas.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 6\n",
        "resources.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        resources:\n          requests:\n            cpu: 250m\n",
    })
    case("patchesstrategicmerge-inline-string", {
        **base,
        KUST: res + d("""
        patchesStrategicMerge:
        - |-
          apiVersion: v1
          kind: Service
          metadata:
            name: web
          spec:
            type: ClusterIP
            sessionAffinity: ClientIP
        """),
    })
    case("patchesstrategicmerge-delete-resource", {
        **base,
        KUST: res + "patchesStrategicMerge:\n- delete-svc.yaml\n",
        "delete-svc.yaml": "$patch: delete\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n",
    })
    case("patchesstrategicmerge-with-prefixed-base", {
        "base/kustomization.yaml": "namePrefix: base-\nresources:\n- deploy.yaml\n",
        "base/deploy.yaml": web,
        "overlay/kustomization.yaml": "resources:\n- ../base\npatchesStrategicMerge:\n- patch.yaml\n",
        "overlay/patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: base-web\nspec:\n  replicas: 3\n",
    }, root="overlay")
    case("patchesjson6902-path", {
        **base,
        KUST: res + "patchesJson6902:\n- target:\n    group: apps\n    version: v1\n    kind: Deployment\n    name: web\n  path: ops.yaml\n",
        "ops.yaml": "- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: nginx:mainline\n",
    })
    case("patchesjson6902-inline", {
        **base,
        KUST: res + d("""
        patchesJson6902:
        - target:
            version: v1
            kind: Service
            name: web
          patch: |-
            - op: add
              path: /spec/externalTrafficPolicy
              value: Local
            - op: replace
              path: /spec/ports/0/name
              value: web
        """),
    })
    case("patchesjson6902-json-file-on-custom-resource", {
        "cr.yaml": "apiVersion: example.com/v1beta1\nkind: Database\nmetadata:\n  name: orders\nspec:\n  engine: postgres\n  storageGB: 10\n",
        KUST: "resources:\n- cr.yaml\npatchesJson6902:\n- target:\n    group: example.com\n    version: v1beta1\n    kind: Database\n    name: orders\n  path: grow.json\n",
        "grow.json": '[{"op": "replace", "path": "/spec/storageGB", "value": 100}, {"op": "add", "path": "/spec/backup", "value": {"enabled": true, "schedule": "0 3 * * *"}}]\n',
    })
