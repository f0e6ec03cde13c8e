from _common import KUST, deployment, service, configmap, DEPLOY_WITH_REFS, REFERENCED


def define(case, d):
    # ---------------------------------------------------------------- resources
    case("resources-single-file", {
        KUST: "resources:\n- deployment.yaml\n",
        "deployment.yaml": deployment(),
    })
    case("resources-multi-doc-file", {
        KUST: "resources:\n- all.yaml\n",
        "all.yaml": deployment() + "---\n" + service() + "---\n" + configmap(),
    })
    case("resources-directory-with-kustomization", {
        KUST: "resources:\n- app\n- service.yaml\n",
        "service.yaml": service(),
        "app/kustomization.yaml": "resources:\n- deployment.yaml\n",
        "app/deployment.yaml": deployment(),
    })
    case("resources-nested-four-levels", {
        KUST: "namePrefix: l0-\nresources:\n- l1\n",
        "l1/kustomization.yaml": "namePrefix: l1-\nresources:\n- l2\n- cm1.yaml\n",
        "l1/cm1.yaml": configmap("one"),
        "l1/l2/kustomization.yaml": "namePrefix: l2-\nresources:\n- l3\n- cm2.yaml\n",
        "l1/l2/cm2.yaml": configmap("two"),
        "l1/l2/l3/kustomization.yaml": "namePrefix: l3-\nresources:\n- cm3.yaml\n",
        "l1/l2/l3/cm3.yaml": configmap("three"),
    })
    unsorted = (configmap("zeta") + "---\n" + deployment("alpha") + "---\n" + service("alpha") +
                "---\n" + d("""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: team-a
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: reader
        rules:
        - apiGroups: [""]
          resources: ["pods"]
          verbs: ["get", "list"]
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: runner
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          names:
            kind: Widget
            plural: widgets
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: w1
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: migrate
        spec:
          template:
            spec:
              restartPolicy: Never
              containers:
              - name: m
                image: busybox
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: creds
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata:
          name: vwc
        ---
        apiVersion: v1
        kind: LimitRange
        metadata:
          name: limits
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: alpha
        ---
        apiVersion: v1
        kind: ResourceQuota
        metadata:
          name: quota
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata:
          name: pdb
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: rb
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: Role
          name: r
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: r
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: claim
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: fast
        provisioner: example.com/fast
        """))
    case("resources-legacy-sort-order", {
        KUST: "resources:\n- all.yaml\n",
        "all.yaml": unsorted,
    })
    case("resources-reorder-none-keeps-input-order", {
        KUST: "resources:\n- all.yaml\n",
        "all.yaml": unsorted,
    }, flags="--reorder none")
    case("resources-list-kind-flattened", {
        KUST: "resources:\n- list.yaml\n",
        "list.yaml": d("""
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: ConfigMap
          metadata:
            name: first
          data:
            a: "1"
        - apiVersion: v1
          kind: ConfigMap
          metadata:
            name: second
          data:
            b: "2"
        """),
    })
    case("resources-same-name-different-kinds", {
        KUST: "namePrefix: x-\nresources:\n- all.yaml\n",
        "all.yaml": deployment("app") + "---\n" + service("app") + "---\n" + configmap("app"),
    })
    case("resources-same-name-different-namespaces", {
        KUST: "resources:\n- a.yaml\n- b.yaml\n",
        "a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ns-a\ndata:\n  k: a\n",
        "b.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ns-b\ndata:\n  k: b\n",
    })
    case("resources-kustomization-yml-filename", {
        "kustomization.yml": "resources:\n- cm.yaml\ncommonLabels:\n  source: yml\n",
        "cm.yaml": configmap(),
    })
    case("resources-capitalized-kustomization-filename", {
        "Kustomization": "resources:\n- sub\n",
        "sub/Kustomization": "resources:\n- cm.yaml\nnameSuffix: -cap\n",
        "sub/cm.yaml": configmap(),
    })
    case("resources-empty-documents-skipped", {
        KUST: "resources:\n- docs.yaml\n",
        "docs.yaml": "---\n---\n" + configmap("one") + "---\n\n---\n# only a comment\n---\n" + configmap("two") + "---\n",
    })
    case("resources-json-file", {
        KUST: "resources:\n- cm.json\n",
        "cm.json": '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "from-json"}, "data": {"z": "1", "a": "2", "n": "null"}}\n',
    })
    case("resources-diamond-with-prefixes", {
        KUST: "resources:\n- blue\n- green\n",
        "base/kustomization.yaml": "resources:\n- deployment.yaml\n- service.yaml\n",
        "base/deployment.yaml": deployment(),
        "base/service.yaml": service(),
        "blue/kustomization.yaml": "namePrefix: blue-\nlabels:\n- pairs:\n    color: blue\n  includeSelectors: true\nresources:\n- ../base\n",
        "green/kustomization.yaml": "namePrefix: green-\nlabels:\n- pairs:\n    color: green\n  includeSelectors: true\nresources:\n- ../base\n",
    })
    case("resources-no-resources-empty-output", {
        KUST: "namespace: nothing\ncommonLabels:\n  a: b\n",
    })
    case("resources-kind-kustomization-header", {
        KUST: "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nmetadata:\n  name: ignored\nresources:\n- cm.yaml\n",
        "cm.yaml": configmap(),
    })

    # ---------------------------------------------------------------- bases (legacy)
    case("bases-legacy-field", {
        "base/kustomization.yaml": "resources:\n- deployment.yaml\n",
        "base/deployment.yaml": deployment(),
        "overlay/kustomization.yaml": "bases:\n- ../base\nnamePrefix: legacy-\n",
    }, root="overlay")
    case("bases-and-resources-order", {
        "overlay/kustomization.yaml": "resources:\n- extra.yaml\nbases:\n- ../base\n",
        "overlay/extra.yaml": configmap("extra"),
        "base/kustomization.yaml": "resources:\n- cm.yaml\n",
        "base/cm.yaml": configmap("from-base"),
        KUST: "resources: []\n",
    }, root="overlay", flags="--reorder none")
    case("bases-nested-with-namespace", {
        "prod/kustomization.yaml": "bases:\n- ../mid\nnamespace: prod\n",
        "mid/kustomization.yaml": "bases:\n- ../base\nnameSuffix: -mid\n",
        "base/kustomization.yaml": "resources:\n- svc.yaml\n",
        "base/svc.yaml": service("db", port=5432, target=5432),
    }, root="prod")

    # ---------------------------------------------------------------- components
    comp_base = {
        "base/kustomization.yaml": "resources:\n- deployment.yaml\n- configmap.yaml\n",
        "base/deployment.yaml": deployment("app", image="example.com/app:1.0"),
        "base/configmap.yaml": configmap("app-settings", {"FEATURE_X": '"off"'}),
    }
    case("components-basic", {
        **comp_base,
        "components/logging/kustomization.yaml": d("""
        apiVersion: kustomize.config.k8s.io/v1alpha1
        kind: Component
        patches:
        - patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: app
            spec:
              template:
                spec:
                  containers:
                  - name: logger
                    image: fluent/fluent-bit:2.2
        """),
        "overlay/kustomization.yaml": "resources:\n- ../base\ncomponents:\n- ../components/logging\n",
    }, root="overlay")
    case("components-multiple-in-order", {
        **comp_base,
        "components/a/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnamePrefix: a-\ncommonLabels:\n  comp: a\n",
        "components/b/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnamePrefix: b-\ncommonLabels:\n  comp: b\n",
        "overlay/kustomization.yaml": "resources:\n- ../base\ncomponents:\n- ../components/a\n- ../components/b\n",
    }, root="overlay")
    case("components-configmap-generator-merge", {
        **comp_base,
        "base/kustomization.yaml": "resources:\n- deployment.yaml\nconfigMapGenerator:\n- name: flags\n  literals:\n  - FEATURE_X=off\n  - FEATURE_Y=off\n",
        "components/feature-x/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nconfigMapGenerator:\n- name: flags\n  behavior: merge\n  literals:\n  - FEATURE_X=on\n",
        "overlay/kustomization.yaml": "resources:\n- ../base\ncomponents:\n- ../components/feature-x\n",
        "base/deployment.yaml": deployment("app", extra_container="        envFrom:\n        - configMapRef:\n            name: flags\n"),
    }, root="overlay")
    case("components-adds-resources", {
        **comp_base,
        "components/monitoring/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- servicemonitor.yaml\n",
        "components/monitoring/servicemonitor.yaml": d("""
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata:
          name: app
        spec:
          selector:
            matchLabels:
              app: app
          endpoints:
          - port: http
            interval: 30s
        """),
        "overlay/kustomization.yaml": "namePrefix: prod-\nresources:\n- ../base\ncomponents:\n- ../components/monitoring\n",
    }, root="overlay")
    case("components-nested-component", {
        **comp_base,
        "components/outer/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncomponents:\n- ../inner\ncommonAnnotations:\n  outer: \"yes\"\n",
        "components/inner/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations:\n  inner: \"yes\"\n",
        "overlay/kustomization.yaml": "resources:\n- ../base\ncomponents:\n- ../components/outer\n",
    }, root="overlay")
    case("components-with-images-and-replicas", {
        **comp_base,
        "components/pin/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n- name: example.com/app\n  newTag: \"2.0\"\nreplicas:\n- name: app\n  count: 4\n",
        "overlay/kustomization.yaml": "resources:\n- ../base\ncomponents:\n- ../components/pin\n",
    }, root="overlay")
    case("components-plus-overlay-patches", {
        **comp_base,
        "components/ha/kustomization.yaml": d("""
        apiVersion: kustomize.config.k8s.io/v1alpha1
        kind: Component
        patches:
        - target:
            kind: Deployment
          patch: |-
            - op: replace
              path: /spec/replicas
              value: 3
        """),
        "overlay/kustomization.yaml": d("""
        resources:
        - ../base
        components:
        - ../components/ha
        patches:
        - patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: app
            spec:
              replicas: 5
        """),
    }, root="overlay")
    case("components-replacements", {
        **comp_base,
        "components/copy/kustomization.yaml": d("""
        apiVersion: kustomize.config.k8s.io/v1alpha1
        kind: Component
        replacements:
        - source:
            kind: ConfigMap
            name: app-settings
            fieldPath: data.FEATURE_X
          targets:
          - select:
              kind: Deployment
            fieldPaths:
            - metadata.annotations.feature-x
            options:
              create: true
        """),
        "overlay/kustomization.yaml": "resources:\n- ../base\ncomponents:\n- ../components/copy\n",
    }, root="overlay")
    case("components-only-no-resources-in-overlay", {
        "components/cm/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nconfigMapGenerator:\n- name: from-component\n  literals:\n  - a=b\n",
        KUST: "components:\n- components/cm\nnamespace: comp\n",
    })

    # ---------------------------------------------------------------- crds field
    crd_schema = d("""
    {
      "github.com/example/bar/v1.Bar": {
        "Schema": {
          "description": "Bar resource",
          "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"$ref": "k8s.io/apimachinery/pkg/apis/meta/v1.ObjectMeta"},
            "spec": {"$ref": "github.com/example/bar/v1.BarSpec"}
          }
        },
        "Dependencies": []
      },
      "github.com/example/bar/v1.BarSpec": {
        "Schema": {
          "properties": {
            "configName": {
              "x-kubernetes-object-ref-api-version": "v1",
              "x-kubernetes-object-ref-kind": "ConfigMap",
              "type": "string"
            },
            "secretName": {
              "x-kubernetes-object-ref-api-version": "v1",
              "x-kubernetes-object-ref-kind": "Secret",
              "type": "string"
            }
          }
        },
        "Dependencies": []
      }
    }
    """)
    case("crds-field-name-references", {
        KUST: d("""
        namePrefix: p-
        crds:
        - bar-crd.json
        resources:
        - bar.yaml
        configMapGenerator:
        - name: bar-config
          literals:
          - k=v
        secretGenerator:
        - name: bar-secret
          literals:
          - password=hunter2
        """),
        "bar-crd.json": crd_schema,
        "bar.yaml": "apiVersion: example.com/v1\nkind: Bar\nmetadata:\n  name: my-bar\nspec:\n  configName:\n    name: bar-config\n  secretName:\n    name: bar-secret\n",
    })
    case("crds-field-without-crds-no-rewrite", {
        KUST: "namePrefix: p-\nresources:\n- bar.yaml\nconfigMapGenerator:\n- name: bar-config\n  literals:\n  - k=v\n",
        "bar.yaml": "apiVersion: example.com/v1\nkind: Bar\nmetadata:\n  name: my-bar\nspec:\n  configName: bar-config\n",
    })

    # ---------------------------------------------------------------- namespace
    case("namespace-basic", {
        KUST: "namespace: shop\nresources:\n- all.yaml\n",
        "all.yaml": deployment() + "---\n" + service() + "---\n" + configmap(),
    })
    case("namespace-overrides-existing", {
        KUST: "namespace: new-ns\nresources:\n- cm.yaml\n",
        "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: old-ns\n",
    })
    case("namespace-cluster-scoped-untouched", {
        KUST: "namespace: apps\nresources:\n- all.yaml\n",
        "all.yaml": d("""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: viewer
        rules: []
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata:
          name: pv0
        spec:
          capacity:
            storage: 5Gi
          accessModes:
          - ReadWriteOnce
          hostPath:
            path: /mnt/disks/pv0
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: standard
        provisioner: kubernetes.io/no-provisioner
        ---
        apiVersion: scheduling.k8s.io/v1
        kind: PriorityClass
        metadata:
          name: high
        value: 1000
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: namespaced
        """),
    })
    case("namespace-rolebinding-subjects", {
        KUST: "namespace: team\nresources:\n- rbac.yaml\n",
        "rbac.yaml": d("""
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: builder
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: builder-binding
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: Role
          name: builder-role
        subjects:
        - kind: ServiceAccount
          name: builder
        - kind: ServiceAccount
          name: builder
          namespace: default
        - kind: ServiceAccount
          name: other
          namespace: elsewhere
        - kind: User
          name: jane
          apiGroup: rbac.authorization.k8s.io
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: builder-role
        rules:
        - apiGroups: [""]
          resources: ["configmaps"]
          verbs: ["get"]
        """),
    })
    case("namespace-clusterrolebinding-subjects", {
        KUST: "namespace: ops\nresources:\n- rbac.yaml\n",
        "rbac.yaml": d("""
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: controller
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: controller
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: cluster-admin
        subjects:
        - kind: ServiceAccount
          name: controller
          namespace: default
        - kind: Group
          name: system:masters
          apiGroup: rbac.authorization.k8s.io
        """),
    })
    case("namespace-webhook-service-reference", {
        KUST: "namespace: hooks\nresources:\n- hooks.yaml\n",
        "hooks.yaml": d("""
        apiVersion: v1
        kind: Service
        metadata:
          name: webhook
        spec:
          ports:
          - port: 443
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata:
          name: mutator
        webhooks:
        - name: mutate.example.com
          admissionReviewVersions: ["v1"]
          sideEffects: None
          clientConfig:
            service:
              name: webhook
              namespace: default
              path: /mutate
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata:
          name: validator
        webhooks:
        - name: validate.example.com
          admissionReviewVersions: ["v1"]
          sideEffects: None
          clientConfig:
            service:
              name: webhook
              namespace: default
              path: /validate
        """),
    })
    case("namespace-custom-resource-and-crd", {
        KUST: "namespace: widgets\nresources:\n- crd.yaml\n- widget.yaml\n",
        "crd.yaml": d("""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          names:
            kind: Widget
            plural: widgets
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                x-kubernetes-preserve-unknown-fields: true
        """),
        "widget.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 3\n",
    })
    case("namespace-object-in-resources", {
        KUST: "namespace: target\nresources:\n- ns.yaml\n- cm.yaml\n",
        "ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: original\n",
        "cm.yaml": configmap(),
    })
    case("namespace-overlay-overrides-base", {
        "base/kustomization.yaml": "namespace: base-ns\nresources:\n- cm.yaml\n",
        "base/cm.yaml": configmap(),
        "overlay/kustomization.yaml": "namespace: overlay-ns\nresources:\n- ../base\n",
    }, root="overlay")
    case("namespace-apiservice-service", {
        KUST: "namespace: metrics\nresources:\n- apiservice.yaml\n",
        "apiservice.yaml": d("""
        apiVersion: apiregistration.k8s.io/v1
        kind: APIService
        metadata:
          name: v1beta1.metrics.k8s.io
        spec:
          group: metrics.k8s.io
          version: v1beta1
          groupPriorityMinimum: 100
          versionPriority: 100
          service:
            name: metrics-server
            namespace: kube-system
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: metrics-server
          namespace: kube-system
        spec:
          ports:
          - port: 443
        """),
    })

    # ---------------------------------------------------------------- namePrefix / nameSuffix
    case("nameprefix-basic", {
        KUST: "namePrefix: dev-\nresources:\n- all.yaml\n",
        "all.yaml": deployment() + "---\n" + service(),
    })
    case("namesuffix-basic", {
        KUST: "nameSuffix: -v2\nresources:\n- all.yaml\n",
        "all.yaml": deployment() + "---\n" + service(),
    })
    case("nameprefix-and-suffix-with-references", {
        KUST: "namePrefix: pre-\nnameSuffix: -suf\nresources:\n- deploy.yaml\n- refs.yaml\n",
        "deploy.yaml": DEPLOY_WITH_REFS,
        "refs.yaml": REFERENCED,
    })
    case("nameprefix-accumulates-through-overlays", {
        "base/kustomization.yaml": "namePrefix: base-\nnameSuffix: -b\nresources:\n- cm.yaml\n",
        "base/cm.yaml": configmap("settings"),
        "mid/kustomization.yaml": "namePrefix: mid-\nnameSuffix: -m\nresources:\n- ../base\n",
        "top/kustomization.yaml": "namePrefix: top-\nnameSuffix: -t\nresources:\n- ../mid\n",
    }, root="top")
    case("nameprefix-skips-crd-and-namespace", {
        KUST: "namePrefix: x-\nresources:\n- all.yaml\n",
        "all.yaml": d("""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: keep-me
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: gadgets.example.com
        spec:
          group: example.com
          names:
            kind: Gadget
            plural: gadgets
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: gadget-reader
        ---
        apiVersion: example.com/v1
        kind: Gadget
        metadata:
          name: g1
        """),
    })
    case("nameprefix-statefulset-volumeclaimtemplates", {
        KUST: "namePrefix: p-\nresources:\n- sts.yaml\n",
        "sts.yaml": d("""
        apiVersion: v1
        kind: Service
        metadata:
          name: db-headless
        spec:
          clusterIP: None
          selector:
            app: db
          ports:
          - port: 5432
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
        spec:
          serviceName: db-headless
          replicas: 3
          selector:
            matchLabels:
              app: db
          template:
            metadata:
              labels:
                app: db
            spec:
              containers:
              - name: postgres
                image: postgres:16
                volumeMounts:
                - name: data
                  mountPath: /var/lib/postgresql/data
          volumeClaimTemplates:
          - metadata:
              name: data
            spec:
              accessModes: ["ReadWriteOnce"]
              resources:
                requests:
                  storage: 10Gi
        """),
    })
