from _common import KUST, deployment, service, configmap


def define(case, d):
    foo = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: foo\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: whatever\n"
    # ---------------------------------------------------------------- intermediate names
    layers = {
        "gcp/kustomization.yaml": "namePrefix: gcp-\nresources:\n- ../emea\npatchesStrategicMerge:\n- dep-patch.yaml\n",
        "gcp/dep-patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: prod-foo\nspec:\n  replicas: 999\n",
        "emea/kustomization.yaml": "namePrefix: emea-\nresources:\n- ../prod\n",
        "prod/kustomization.yaml": "namePrefix: prod-\nresources:\n- ../base\n",
        "base/kustomization.yaml": "resources:\n- deployment.yaml\n",
        "base/deployment.yaml": foo,
    }
    case("patches-intermediate-name-after-prefixes", dict(layers), root="gcp")
    case("patches-intermediate-name-same-name-other-layer", {
        **layers,
        "emea/kustomization.yaml": "namePrefix: emea-\nresources:\n- ../prod\n- deployment.yaml\n",
        "emea/deployment.yaml": foo,
    }, root="gcp")
    case("error-patch-ambiguous-original-name", {
        **layers,
        "gcp/dep-patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: foo\nspec:\n  replicas: 999\n",
        "emea/kustomization.yaml": "namePrefix: emea-\nresources:\n- ../prod\n- deployment.yaml\n",
        "emea/deployment.yaml": foo,
    }, root="gcp", error="dep-patch.yaml")
    case("patches-original-name-through-prefix", {
        "base/kustomization.yaml": "namePrefix: base-\nresources:\n- deployment.yaml\n",
        "base/deployment.yaml": foo,
        "overlay/kustomization.yaml": "namePrefix: top-\nresources:\n- ../base\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: foo\n    spec:\n      replicas: 2\n- target:\n    name: base-foo\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value:\n        by-current-name: \"yes\"\n",
    }, root="overlay")

    # ---------------------------------------------------------------- more name references
    case("namereference-rolebinding-subjects-across-namespaces", {
        KUST: "nameSuffix: -ns2\nresources:\n- resource.yaml\n",
        "resource.yaml": d("""
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: sa-one
          namespace: ns1
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: sa-two
          namespace: ns2
        ---
        apiVersion: example.com/v1
        kind: NotServiceAccount
        metadata:
          name: not-sa
          namespace: ns1
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: editor
          namespace: ns2
        rules:
          - apiGroups: ['*']
            resources: ['*']
            verbs: ['*']
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: editor-binding
          namespace: ns2
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: Role
          name: editor
        subjects:
          - kind: ServiceAccount
            name: sa-one
            namespace: ns1
          - kind: ServiceAccount
            name: sa-two
            namespace: ns2
          - kind: NotServiceAccount
            name: not-sa
            namespace: ns1
        """),
    })
    case("namereference-role-same-name-in-two-namespaces", {
        KUST: "resources:\n- ns1\n- ns2\n",
        "ns1/kustomization.yaml": "namespace: namespace-1\nnameSuffix: -one\nresources:\n- rbac.yaml\n",
        "ns2/kustomization.yaml": "namespace: namespace-2\nnameSuffix: -two\nresources:\n- rbac.yaml\n",
        "ns1/rbac.yaml": "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: test-role\nrules:\n- apiGroups: [\"\"]\n  resources: [\"pods\"]\n  verbs: [\"get\"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: test-binding\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: test-role\nsubjects:\n- kind: ServiceAccount\n  name: account\n  namespace: namespace-2\n",
        "ns2/rbac.yaml": "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: test-role\nrules:\n- apiGroups: [\"\"]\n  resources: [\"pods\"]\n  verbs: [\"list\"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: test-binding\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: test-role\nsubjects:\n- kind: ServiceAccount\n  name: account\n  namespace: namespace-1\n",
    })
    case("namereference-generated-secrets-through-diamond-layers", {
        KUST: "namePrefix: project-\nresources:\n- app\n",
        "app/kustomization.yaml": "resources:\n- deployment.yaml\n- db\n",
        "app/db/kustomization.yaml": "resources:\n- zero\n- one\n",
        "app/db/zero/kustomization.yaml": "namePrefix: zero-\nresources:\n- ../../../bases/db\nsecretGenerator:\n- name: db-secret\n  behavior: merge\n  envs:\n  - zero.env\n",
        "app/db/zero/zero.env": "arg=0\n",
        "app/db/one/kustomization.yaml": "namePrefix: one-\nresources:\n- ../../../bases/db\nsecretGenerator:\n- name: db-secret\n  behavior: merge\n  envs:\n  - one.env\n",
        "app/db/one/one.env": "arg=1\n",
        "bases/db/kustomization.yaml": "secretGenerator:\n- name: db-secret\n  envs:\n  - db.env\n",
        "bases/db/db.env": "password=SUPER_SECRET\n",
        "app/deployment.yaml": d("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app
        spec:
          template:
            spec:
              containers:
              - name: app
                image: example.com/app:latest
                env:
                - name: ZERO_PASSWORD
                  valueFrom:
                    secretKeyRef:
                      name: zero-db-secret
                      key: password
                - name: ONE_PASSWORD
                  valueFrom:
                    secretKeyRef:
                      name: one-db-secret
                      key: password
        """),
    })
    case("namereference-podtemplate-and-replicationcontroller", {
        KUST: "namePrefix: p-\nresources:\n- all.yaml\nconfigMapGenerator:\n- name: cfg\n  literals:\n  - a=b\nimages:\n- name: busybox\n  newTag: \"1.36\"\n",
        "all.yaml": d("""
        apiVersion: v1
        kind: PodTemplate
        metadata:
          name: tmpl
        template:
          spec:
            containers:
            - name: c
              image: busybox
              envFrom:
              - configMapRef:
                  name: cfg
        ---
        apiVersion: v1
        kind: ReplicationController
        metadata:
          name: rc
        spec:
          replicas: 2
          selector:
            app: rc
          template:
            metadata:
              labels:
                app: rc
            spec:
              containers:
              - name: c
                image: busybox
                volumeMounts:
                - name: v
                  mountPath: /cfg
              volumes:
              - name: v
                configMap:
                  name: cfg
        """),
    })
    case("namereference-serviceaccount-secrets-and-pullsecrets", {
        KUST: "namePrefix: p-\nresources:\n- sa.yaml\nsecretGenerator:\n- name: token\n  literals:\n  - t=1\n- name: pull\n  literals:\n  - p=1\n",
        "sa.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: builder\nsecrets:\n- name: token\nimagePullSecrets:\n- name: pull\n",
    })
    case("namereference-csi-and-storage-secrets", {
        KUST: "nameSuffix: -x\nresources:\n- all.yaml\nsecretGenerator:\n- name: csi-creds\n  literals:\n  - key=v\n",
        "all.yaml": d("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
        spec:
          containers:
          - name: c
            image: busybox
          volumes:
          - name: csi
            csi:
              driver: secrets-store.csi.k8s.io
              nodePublishSecretRef:
                name: csi-creds
          - name: ceph
            cephfs:
              monitors: ["10.0.0.1:6789"]
              secretRef:
                name: csi-creds
          - name: azure
            azureFile:
              secretName: csi-creds
              shareName: share
        """),
    })
    case("namereference-ingress-v1beta1-servicename", {
        KUST: "namePrefix: old-\nresources:\n- all.yaml\n",
        "all.yaml": service("web") + "---\n" + d("""
        apiVersion: extensions/v1beta1
        kind: Ingress
        metadata:
          name: legacy
        spec:
          backend:
            serviceName: web
            servicePort: 80
          rules:
          - host: legacy.example.com
            http:
              paths:
              - path: /
                backend:
                  serviceName: web
                  servicePort: 80
        """),
    })

    # ---------------------------------------------------------------- more patches
    envfrom_deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx\nspec:\n  template:\n    spec:\n      containers:\n      - name: nginx\n        image: image1\n        envFrom:\n        - configMapRef:\n            name: some-config\n        - configMapRef:\n            name: more-config\n"
    case("patches-smp-envfrom-list-replaced", {
        "deployment.yaml": envfrom_deploy,
        KUST: "resources:\n- deployment.yaml\npatchesStrategicMerge:\n- |-\n  apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: nginx\n  spec:\n    template:\n      spec:\n        containers:\n        - name: nginx\n          envFrom:\n          - configMapRef:\n              name: another-config\n",
    })
    case("patches-json6902-envfrom-appended", {
        "deployment.yaml": envfrom_deploy,
        KUST: "resources:\n- deployment.yaml\npatches:\n- target:\n    kind: Deployment\n    name: nginx\n  patch: |-\n    - op: add\n      path: /spec/template/spec/containers/0/envFrom/-\n      value:\n        configMapRef:\n          name: another-config\n",
    })
    case("patches-smp-container-ports-same-port-two-protocols", {
        "deployment.yaml": deployment("dns", image="coredns/coredns:1.11.1").replace("        - containerPort: 8080\n", "        - containerPort: 53\n          protocol: UDP\n          name: dns\n        - containerPort: 53\n          protocol: TCP\n          name: dns-tcp\n"),
        KUST: "resources:\n- deployment.yaml\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: dns\n    spec:\n      template:\n        spec:\n          containers:\n          - name: dns\n            ports:\n            - containerPort: 53\n              protocol: TCP\n              name: dns-tcp-renamed\n",
    })
    case("patches-smp-keeps-empty-arrays-and-null-args", {
        "deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: image\n        args: null\n        command: []\n        env: []\n      tolerations: []\n",
        KUST: "resources:\n- deployment.yaml\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: d\n    spec:\n      template:\n        spec:\n          containers:\n          - name: c\n            ports: []\n          volumes: []\n",
    })
    case("patches-smp-imagepullsecrets-merge-by-name", {
        "deployment.yaml": deployment("web", extra_pod="      imagePullSecrets:\n      - name: first\n"),
        KUST: "resources:\n- deployment.yaml\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n    spec:\n      template:\n        spec:\n          imagePullSecrets:\n          - name: second\n          - name: first\n",
    })
    case("patches-smp-service-ports-by-port", {
        "svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n    name: http\n  - port: 443\n    name: https\n",
        KUST: "resources:\n- svc.yaml\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: Service\n    metadata:\n      name: s\n    spec:\n      ports:\n      - port: 443\n        targetPort: 8443\n      - port: 8080\n        name: alt\n        $patch: delete\n      - port: 80\n        $patch: delete\n",
    })
    case("patches-smp-initcontainers-and-volumemounts", {
        "deployment.yaml": deployment("web", extra_pod="      initContainers:\n      - name: setup\n        image: busybox\n        volumeMounts:\n        - name: shared\n          mountPath: /a\n      volumes:\n      - name: shared\n        emptyDir: {}\n"),
        KUST: "resources:\n- deployment.yaml\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n    spec:\n      template:\n        spec:\n          initContainers:\n          - name: setup\n            volumeMounts:\n            - name: shared\n              mountPath: /b\n            - name: other\n              mountPath: /c\n          - name: second-init\n            image: alpine\n",
    })
    case("patches-json6902-on-generated-configmap", {
        KUST: "configMapGenerator:\n- name: gen\n  literals:\n  - a=1\npatches:\n- target:\n    kind: ConfigMap\n    name: gen\n  patch: |-\n    - op: add\n      path: /data/b\n      value: \"2\"\n",
    })
    case("patches-smp-on-generated-configmap-keeps-hash-rules", {
        KUST: "resources:\n- pod.yaml\nconfigMapGenerator:\n- name: gen\n  literals:\n  - a=1\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: gen\n    data:\n      b: \"2\"\n",
        "pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n    envFrom:\n    - configMapRef:\n        name: gen\n",
    })

    # ---------------------------------------------------------------- generators, more
    case("configmapgenerator-same-name-different-namespaces", {
        KUST: "configMapGenerator:\n- name: settings\n  namespace: ns-a\n  literals:\n  - k=a\n- name: settings\n  namespace: ns-b\n  literals:\n  - k=b\n",
    })
    case("configmapgenerator-file-key-with-dots-and-subdir", {
        KUST: "configMapGenerator:\n- name: files\n  files:\n  - conf/app.config.yaml\n  - deep/nested/dir/.hidden\n  - renamed.key=conf/app.config.yaml\n",
        "conf/app.config.yaml": "a: 1\nb:\n  - x\n",
        "deep/nested/dir/.hidden": "secret-ish\n",
    })
    case("configmapgenerator-empty-no-data", {
        KUST: "configMapGenerator:\n- name: empty\nsecretGenerator:\n- name: empty-secret\n",
    })
    case("configmapgenerator-replace-in-component", {
        "base/kustomization.yaml": "configMapGenerator:\n- name: cfg\n  literals:\n  - a=1\n  - b=2\n",
        "comp/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nconfigMapGenerator:\n- name: cfg\n  behavior: replace\n  literals:\n  - only=this\n",
        KUST: "resources:\n- base\ncomponents:\n- comp\n",
    })
    case("secretgenerator-merge-keeps-type", {
        "base/kustomization.yaml": "secretGenerator:\n- name: tls\n  type: kubernetes.io/tls\n  literals:\n  - tls.crt=A\n  - tls.key=B\n",
        KUST: "resources:\n- base\nsecretGenerator:\n- name: tls\n  behavior: merge\n  literals:\n  - tls.key=C\n",
    })
    case("generatoroptions-in-base-and-overlay", {
        "base/kustomization.yaml": "generatorOptions:\n  labels:\n    layer: base\nconfigMapGenerator:\n- name: a\n  literals:\n  - k=v\n",
        KUST: "generatorOptions:\n  disableNameSuffixHash: true\n  labels:\n    layer: overlay\nresources:\n- base\nconfigMapGenerator:\n- name: b\n  literals:\n  - k=v\n",
    })

    # ---------------------------------------------------------------- more labels / images / replicas
    case("error-commonlabels-integer-value", {
        KUST: "commonLabels:\n  version: 1\nresources:\n- cm.yaml\n",
        "cm.yaml": configmap(),
    }, error="commonLabels")
    case("error-commonlabels-boolean-value", {
        KUST: "commonLabels:\n  flag-label: true\nresources:\n- cm.yaml\n",
        "cm.yaml": configmap(),
    }, error="commonLabels")
    case("commonlabels-creates-missing-template-labels", {
        KUST: "commonLabels:\n  app: new\nresources:\n- deploy.yaml\n",
        "deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bare\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: busybox\n",
    })
    case("labels-include-selectors-on-job-and-cronjob", {
        KUST: "labels:\n- pairs:\n    batch: nightly\n  includeSelectors: true\nresources:\n- all.yaml\n",
        "all.yaml": "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: cj\nspec:\n  schedule: \"@hourly\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: c\n            image: busybox\n",
    })
    case("images-image-field-without-containers", {
        KUST: "images:\n- name: myapp\n  newTag: v2\nresources:\n- cr.yaml\n",
        "cr.yaml": "apiVersion: example.com/v1\nkind: Runner\nmetadata:\n  name: r\nspec:\n  image: myapp:v1\n  nested:\n    image: myapp\n  list:\n  - image: myapp:v0\n",
    })
    case("images-tag-only-image-and-latest", {
        KUST: "images:\n- name: app\n  newTag: latest\n- name: tool\n  newName: registry.example.com/tools/tool\nresources:\n- all.yaml\n",
        "all.yaml": deployment("app", image="app") + "---\n" + deployment("tool", image="tool:1.0@sha256:2222222222222222222222222222222222222222222222222222222222222222"),
    })
    case("images-same-image-many-containers", {
        KUST: "images:\n- name: envoy\n  newTag: v1.31\nresources:\n- deploy.yaml\n",
        "deploy.yaml": deployment("mesh", image="envoy:v1.29", extra_pod="      initContainers:\n      - name: init-envoy\n        image: envoy:v1.28\n      - name: other\n        image: busybox\n").replace("        ports:\n        - containerPort: 8080\n", "        ports:\n        - containerPort: 8080\n      - name: second\n        image: envoy\n"),
    })
    case("replicas-across-kinds-same-name", {
        KUST: "replicas:\n- name: app\n  count: 4\nresources:\n- all.yaml\n",
        "all.yaml": deployment("app") + "---\n" + "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: app\nspec:\n  serviceName: app\n  replicas: 1\n  selector:\n    matchLabels:\n      app: sts\n  template:\n    metadata:\n      labels:\n        app: sts\n    spec:\n      containers:\n      - name: c\n        image: busybox\n" + "---\napiVersion: example.com/v1\nkind: Scaler\nmetadata:\n  name: app\nspec:\n  replicas: 1\n",
    })

    # ---------------------------------------------------------------- replacements, more
    case("replacements-bracket-path-with-dots", {
        KUST: "resources:\n- cm.yaml\nreplacements:\n- source:\n    kind: ConfigMap\n    name: c\n    fieldPath: metadata.labels.[app.kubernetes.io/name]\n  targets:\n  - select:\n      kind: ConfigMap\n    fieldPaths:\n    - data.a\n    - metadata.annotations.[example.com/copied]\n    options:\n      create: true\n",
        "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    app.kubernetes.io/name: web\ndata:\n  a: \"1\"\n",
    })
    case("replacements-source-delimiter-index-to-create", {
        KUST: "resources:\n- all.yaml\nreplacements:\n- source:\n    kind: Deployment\n    fieldPath: spec.template.spec.containers.0.image\n    options:\n      delimiter: ':'\n      index: 1\n  targets:\n  - select:\n      kind: Deployment\n    fieldPaths:\n    - metadata.labels.version\n    options:\n      create: true\n",
        "all.yaml": deployment("web", image="nginx:1.25.3"),
    })

    # ---------------------------------------------------------------- kustomization file variants and misc
    case("resources-component-built-directly", {
        KUST: "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- cm.yaml\nnamePrefix: c-\n",
        "cm.yaml": configmap(),
    })
    case("resources-file-listed-with-dot-slash", {
        KUST: "resources:\n- ./cm.yaml\n- ./sub/\n",
        "cm.yaml": configmap("one"),
        "sub/kustomization.yaml": "resources:\n- ./cm.yaml\n",
        "sub/cm.yaml": configmap("two"),
    })
    case("format-long-line-with-template-braces", {
        KUST: "resources:\n- deployment.yaml\n",
        "deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: test\n  labels:\n    app.version: \"{{ .Values.services.mariadb.app.version }}\"\nspec:\n  template:\n    spec:\n      containers:\n      - name: mariadb\n        image: \"thisIsAReallyLongRepositoryLinkThatWouldBreakALineAtEightyColumns/mariadb:{{ .Values.services.mariadb.image.version }}\"\n",
    })
    case("format-multiple-yaml-documents-with-lists-of-lists", {
        KUST: "resources:\n- a.yaml\n",
        "a.yaml": "apiVersion: example.com/v1\nkind: Matrix\nmetadata:\n  name: m\nspec:\n  rows: [[1, 2], [3, [4, 5]], []]\n  objs: [{a: 1}, {b: [x, {c: d}]}]\n",
    })
    case("error-empty-kustomization-file", {
        KUST: "",
    }, error="kustomization.yaml")
    case("error-sortoptions-invalid-order", {
        KUST: "resources:\n- cm.yaml\nsortOptions:\n  order: random\n",
        "cm.yaml": configmap(),
    }, error="random")
    case("error-duplicate-keys-in-resource", {
        KUST: "resources:\n- dupkeys.yaml\n",
        "dupkeys.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  repeated: \"1\"\n  repeated: \"2\"\n",
    }, error="repeated")
    case("error-nameprefix-wrong-type", {
        KUST: "namePrefix:\n- a-\nresources:\n- cm.yaml\n",
        "cm.yaml": configmap(),
    }, error="namePrefix")
    case("error-json6902-invalid-op", {
        KUST: "resources:\n- cm.yaml\npatches:\n- target:\n    kind: ConfigMap\n  patch: |-\n    - op: frobnicate\n      path: /data/x\n      value: y\n",
        "cm.yaml": configmap("c"),
    }, error="frobnicate")
    case("format-control-characters-escaped", {
        KUST: "resources:\n- control.yaml\n",
        "control.yaml": 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: controls\ndata:\n  bell: "a\\x07b"\n  esc: "\\x1b[0m"\n  nul-free: "\\x01\\x02"\n  vtab: "a\\vb"\n  formfeed: "a\\fb"\n',
    })
    case("error-delete-character-in-string", {
        KUST: "resources:\n- control.yaml\n",
        "control.yaml": 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: controls\ndata:\n  has-delete-char: "a\\x7fb"\n',
    }, error="has-delete-char")
