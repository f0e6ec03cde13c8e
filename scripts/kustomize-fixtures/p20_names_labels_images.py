from _common import KUST, deployment, service, configmap, DEPLOY_WITH_REFS, REFERENCED


def pod_workload(kind, name, pod_spec, api="apps/v1"):
    """A workload of the given kind wrapping a pod spec (any consistent indentation)."""
    import textwrap
    spec = textwrap.dedent(pod_spec).strip("\n")

    def ind(n):
        return "\n".join((" " * n + l) if l else l for l in spec.splitlines())
    if kind == "Pod":
        return f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n{ind(2)}\n"
    if kind == "CronJob":
        return (f"apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: {name}\nspec:\n"
                f"  schedule: \"*/5 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n{ind(10)}\n")
    if kind == "Job":
        return (f"apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\nspec:\n  template:\n"
                f"    spec:\n{ind(6)}\n")
    sel = f"  selector:\n    matchLabels:\n      app: {name}\n"
    extra = "  serviceName: " + name + "\n" if kind == "StatefulSet" else ""
    return (f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\nspec:\n{extra}{sel}"
            f"  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n{ind(6)}\n")


def define(case, d):
    # ---------------------------------------------------------------- name references
    gen_cm = "configMapGenerator:\n- name: app-config\n  literals:\n  - mode=fast\n"
    pod_envfrom = "      containers:\n      - name: c\n        image: busybox\n        envFrom:\n        - configMapRef:\n            name: app-config\n"
    case("namereference-configmap-in-envfrom", {
        KUST: "namePrefix: shop-\nresources:\n- deploy.yaml\n" + gen_cm,
        "deploy.yaml": pod_workload("Deployment", "web", pod_envfrom),
    })
    case("namereference-configmap-in-env-valuefrom", {
        KUST: "nameSuffix: -x\nresources:\n- deploy.yaml\n" + gen_cm,
        "deploy.yaml": pod_workload("Deployment", "web", d("""
              containers:
              - name: c
                image: busybox
                env:
                - name: MODE
                  valueFrom:
                    configMapKeyRef:
                      name: app-config
                      key: mode
                - name: UNRELATED
                  valueFrom:
                    configMapKeyRef:
                      name: not-generated
                      key: x
                - name: PLAIN
                  value: app-config
        """)),
    })
    case("namereference-configmap-in-volume-and-projected", {
        KUST: "namePrefix: p-\nresources:\n- pod.yaml\n" + gen_cm + "secretGenerator:\n- name: tls\n  literals:\n  - key=value\n",
        "pod.yaml": d("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: runner
        spec:
          containers:
          - name: c
            image: busybox
          volumes:
          - name: config
            configMap:
              name: app-config
          - name: secret
            secret:
              secretName: tls
          - name: all
            projected:
              sources:
              - configMap:
                  name: app-config
              - secret:
                  name: tls
        """),
    })
    case("namereference-secret-imagepullsecrets-and-env", {
        KUST: "namePrefix: p-\nresources:\n- deploy.yaml\nsecretGenerator:\n- name: regcred\n  type: kubernetes.io/dockerconfigjson\n  literals:\n  - .dockerconfigjson={\"auths\":{}}\n- name: db\n  literals:\n  - password=s3cr3t\n",
        "deploy.yaml": pod_workload("Deployment", "web", d("""
              imagePullSecrets:
              - name: regcred
              containers:
              - name: c
                image: private.example.com/web:1
                env:
                - name: DB_PASSWORD
                  valueFrom:
                    secretKeyRef:
                      name: db
                      key: password
        """)),
    })
    case("namereference-all-refs-prefixed", {
        KUST: "namePrefix: team-\nresources:\n- deploy.yaml\n- refs.yaml\n",
        "deploy.yaml": DEPLOY_WITH_REFS,
        "refs.yaml": REFERENCED,
    })
    case("namereference-service-in-ingress-backends", {
        KUST: "namePrefix: edge-\nresources:\n- svc.yaml\n- ingress.yaml\n",
        "svc.yaml": service("frontend") + "---\n" + service("api"),
        "ingress.yaml": d("""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: main
          annotations:
            nginx.ingress.kubernetes.io/rewrite-target: /
        spec:
          ingressClassName: nginx
          defaultBackend:
            service:
              name: frontend
              port:
                number: 80
          tls:
          - hosts:
            - shop.example.com
            secretName: shop-tls
          rules:
          - host: shop.example.com
            http:
              paths:
              - path: /
                pathType: Prefix
                backend:
                  service:
                    name: frontend
                    port:
                      name: http
              - path: /api
                pathType: Prefix
                backend:
                  service:
                    name: api
                    port:
                      number: 80
        """),
    })
    case("namereference-secret-in-ingress-tls", {
        KUST: "namePrefix: edge-\nresources:\n- ingress.yaml\nsecretGenerator:\n- name: shop-tls\n  type: kubernetes.io/tls\n  literals:\n  - tls.crt=CERT\n  - tls.key=KEY\n",
        "ingress.yaml": d("""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: main
        spec:
          tls:
          - hosts:
            - shop.example.com
            secretName: shop-tls
          rules:
          - host: shop.example.com
            http:
              paths:
              - path: /
                pathType: Prefix
                backend:
                  service:
                    name: frontend
                    port:
                      number: 80
        """),
    })
    case("namereference-service-in-statefulset-servicename", {
        KUST: "nameSuffix: -blue\nresources:\n- sts.yaml\n",
        "sts.yaml": service("cache-headless", app="cache") + "---\n" + d("""
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: cache
        spec:
          serviceName: cache-headless
          selector:
            matchLabels:
              app: cache
          template:
            metadata:
              labels:
                app: cache
            spec:
              containers:
              - name: redis
                image: redis:7
        """),
    })
    rbac = d("""
    apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: operator
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata:
      name: operator
    rules:
    - apiGroups: [""]
      resources: ["configmaps", "secrets"]
      verbs: ["get", "list", "watch"]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata:
      name: operator
    roleRef:
      apiGroup: rbac.authorization.k8s.io
      kind: Role
      name: operator
    subjects:
    - kind: ServiceAccount
      name: operator
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata:
      name: operator-global
    rules:
    - apiGroups: ["apps"]
      resources: ["deployments"]
      verbs: ["*"]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata:
      name: operator-global
    roleRef:
      apiGroup: rbac.authorization.k8s.io
      kind: ClusterRole
      name: operator-global
    subjects:
    - kind: ServiceAccount
      name: operator
      namespace: default
    """)
    case("namereference-rbac-roleref-and-subjects", {
        KUST: "namePrefix: acme-\nresources:\n- rbac.yaml\n",
        "rbac.yaml": rbac,
    })
    case("namereference-rbac-with-namespace-and-suffix", {
        KUST: "namespace: operators\nnameSuffix: -v1\nresources:\n- rbac.yaml\n",
        "rbac.yaml": rbac,
    })
    case("namereference-hpa-scaletargetref", {
        KUST: "namePrefix: prod-\nresources:\n- deploy.yaml\n- hpa.yaml\n",
        "deploy.yaml": deployment("web"),
        "hpa.yaml": d("""
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata:
          name: web
        spec:
          scaleTargetRef:
            apiVersion: apps/v1
            kind: Deployment
            name: web
          minReplicas: 2
          maxReplicas: 10
          metrics:
          - type: Resource
            resource:
              name: cpu
              target:
                type: Utilization
                averageUtilization: 70
        """),
    })
    case("namereference-serviceaccount-in-pod-and-cronjob", {
        KUST: "namePrefix: batch-\nresources:\n- all.yaml\n",
        "all.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: worker\n---\n" + pod_workload("CronJob", "report", d("""
        serviceAccountName: worker
        restartPolicy: OnFailure
        containers:
        - name: report
          image: example.com/report:3
        """)),
    })
    case("namereference-pvc-in-volumes-of-daemonset", {
        KUST: "nameSuffix: -node\nresources:\n- all.yaml\n",
        "all.yaml": d("""
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: shared
        spec:
          accessModes: ["ReadWriteMany"]
          storageClassName: nfs
          resources:
            requests:
              storage: 1Gi
        ---
        """) + pod_workload("DaemonSet", "agent", d("""
              containers:
              - name: agent
                image: example.com/agent:1
              volumes:
              - name: shared
                persistentVolumeClaim:
                  claimName: shared
        """)),
    })
    case("namereference-storageclass-priorityclass-pv", {
        KUST: "namePrefix: x-\nresources:\n- all.yaml\n",
        "all.yaml": d("""
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: fast
        provisioner: example.com/fast
        ---
        apiVersion: scheduling.k8s.io/v1
        kind: PriorityClass
        metadata:
          name: critical
        value: 100000
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata:
          name: vol
        spec:
          storageClassName: fast
          capacity:
            storage: 1Gi
          accessModes: ["ReadWriteOnce"]
          hostPath:
            path: /data
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: claim
        spec:
          storageClassName: fast
          volumeName: vol
          accessModes: ["ReadWriteOnce"]
          resources:
            requests:
              storage: 1Gi
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
        spec:
          priorityClassName: critical
          containers:
          - name: c
            image: busybox
          volumes:
          - name: v
            persistentVolumeClaim:
              claimName: claim
        """),
    })
    case("namereference-configmap-in-initcontainers-and-job", {
        KUST: "namePrefix: j-\nresources:\n- job.yaml\n" + gen_cm,
        "job.yaml": pod_workload("Job", "migrate", d("""
              restartPolicy: Never
              initContainers:
              - name: wait
                image: busybox
                envFrom:
                - configMapRef:
                    name: app-config
              containers:
              - name: migrate
                image: example.com/migrate:1
                env:
                - name: MODE
                  valueFrom:
                    configMapKeyRef:
                      name: app-config
                      key: mode
        """)),
    })
    case("namereference-other-namespace-not-renamed", {
        KUST: "namePrefix: p-\nresources:\n- all.yaml\n",
        "all.yaml": d("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cfg
          namespace: a
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: same-ns
          namespace: a
        spec:
          containers:
          - name: c
            image: busybox
            envFrom:
            - configMapRef:
                name: cfg
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: other-ns
          namespace: b
        spec:
          containers:
          - name: c
            image: busybox
            envFrom:
            - configMapRef:
                name: cfg
        """),
    })
    case("namereference-across-base-and-overlay", {
        "base/kustomization.yaml": "resources:\n- deploy.yaml\nconfigMapGenerator:\n- name: app-config\n  literals:\n  - mode=slow\n",
        "base/deploy.yaml": pod_workload("Deployment", "web", pod_envfrom),
        "overlay/kustomization.yaml": "namePrefix: prod-\nnamespace: prod\nresources:\n- ../base\nconfigMapGenerator:\n- name: app-config\n  behavior: merge\n  literals:\n  - mode=fast\n",
    }, root="overlay")
    case("namereference-webhook-and-apiservice-prefixed", {
        KUST: "namePrefix: p-\nresources:\n- all.yaml\n",
        "all.yaml": d("""
        apiVersion: v1
        kind: Service
        metadata:
          name: hook
        spec:
          ports:
          - port: 443
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata:
          name: check
        webhooks:
        - name: check.example.com
          admissionReviewVersions: ["v1"]
          sideEffects: None
          clientConfig:
            service:
              name: hook
              namespace: default
        ---
        apiVersion: apiregistration.k8s.io/v1
        kind: APIService
        metadata:
          name: v1.custom.example.com
        spec:
          group: custom.example.com
          version: v1
          groupPriorityMinimum: 1
          versionPriority: 1
          service:
            name: hook
            namespace: default
        """),
    })
    case("namereference-networkpolicy-and-pdb-untouched-names", {
        KUST: "namePrefix: p-\ncommonLabels:\n  tier: db\nresources:\n- all.yaml\n",
        "all.yaml": d("""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: db-allow
        spec:
          podSelector:
            matchLabels:
              app: db
          ingress:
          - from:
            - podSelector:
                matchLabels:
                  app: api
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata:
          name: db
        spec:
          minAvailable: 1
          selector:
            matchLabels:
              app: db
        """),
    })

    # ---------------------------------------------------------------- labels
    case("labels-without-selectors", {
        KUST: "labels:\n- pairs:\n    team: payments\n    env: dev\nresources:\n- all.yaml\n",
        "all.yaml": deployment() + "---\n" + service(),
    })
    case("labels-with-selectors", {
        KUST: "labels:\n- pairs:\n    team: payments\n  includeSelectors: true\nresources:\n- all.yaml\n",
        "all.yaml": deployment() + "---\n" + service(),
    })
    case("labels-include-templates", {
        KUST: "labels:\n- pairs:\n    version: v3\n  includeTemplates: true\nresources:\n- all.yaml\n",
        "all.yaml": deployment() + "---\n" + pod_workload("CronJob", "nightly", "containers:\n- name: n\n  image: busybox\nrestartPolicy: Never\n") + "---\n" + service(),
    })
    case("labels-multiple-entries-mixed", {
        KUST: d("""
        labels:
        - pairs:
            app.kubernetes.io/part-of: shop
        - pairs:
            app.kubernetes.io/instance: shop-eu
          includeSelectors: true
        - pairs:
            release: "42"
          includeTemplates: true
        resources:
        - all.yaml
        """),
        "all.yaml": deployment() + "---\n" + service(),
    })
    case("labels-custom-fields", {
        KUST: d("""
        labels:
        - pairs:
            owner: sre
          fields:
          - path: spec/selector
            kind: Widget
            create: true
        resources:
        - widget.yaml
        """),
        "widget.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 1\n",
    })
    case("commonlabels-basic-selectors", {
        KUST: "commonLabels:\n  app.kubernetes.io/name: web\n  env: prod\nresources:\n- all.yaml\n",
        "all.yaml": deployment() + "---\n" + service() + "---\n" + configmap(),
    })
    case("commonlabels-all-workload-kinds", {
        KUST: "commonLabels:\n  tier: backend\nresources:\n- all.yaml\n",
        "all.yaml": "---\n".join([
            pod_workload("Deployment", "d", "      containers:\n      - name: c\n        image: busybox\n"),
            pod_workload("StatefulSet", "s", "      containers:\n      - name: c\n        image: busybox\n"),
            pod_workload("DaemonSet", "ds", "      containers:\n      - name: c\n        image: busybox\n"),
            pod_workload("ReplicaSet", "rs", "      containers:\n      - name: c\n        image: busybox\n"),
            pod_workload("Job", "j", "      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n"),
            pod_workload("CronJob", "cj", "restartPolicy: Never\ncontainers:\n- name: c\n  image: busybox\n"),
            pod_workload("Pod", "p", "      containers:\n      - name: c\n        image: busybox\n"),
        ]),
    })
    case("commonlabels-statefulset-volumeclaimtemplates", {
        KUST: "commonLabels:\n  app: db\nresources:\n- sts.yaml\n",
        "sts.yaml": d("""
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
        spec:
          serviceName: db
          selector:
            matchLabels:
              role: primary
          template:
            metadata:
              labels:
                role: primary
            spec:
              containers:
              - name: db
                image: postgres:16
          volumeClaimTemplates:
          - metadata:
              name: data
            spec:
              accessModes: ["ReadWriteOnce"]
              resources:
                requests:
                  storage: 1Gi
        """),
    })
    case("commonlabels-networkpolicy-pdb-service", {
        KUST: "commonLabels:\n  app: db\nresources:\n- all.yaml\n",
        "all.yaml": d("""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: db
        spec:
          podSelector:
            matchLabels:
              role: db
          ingress:
          - from:
            - podSelector:
                matchLabels:
                  role: api
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata:
          name: db
        spec:
          maxUnavailable: 1
          selector:
            matchLabels:
              role: db
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          ports:
          - port: 5432
        """),
    })
    case("commonlabels-numeric-and-boolean-values", {
        KUST: "commonLabels:\n  version: \"2\"\n  canary: \"false\"\n  build: \"0042\"\nresources:\n- cm.yaml\n",
        "cm.yaml": configmap(),
    })
    case("commonlabels-overlay-over-base", {
        "base/kustomization.yaml": "commonLabels:\n  app: shop\nresources:\n- all.yaml\n",
        "base/all.yaml": deployment("shop") + "---\n" + service("shop"),
        "overlay/kustomization.yaml": "commonLabels:\n  env: staging\n  app: shop-staging\nresources:\n- ../base\n",
    }, root="overlay")

    # ---------------------------------------------------------------- commonAnnotations
    case("commonannotations-basic", {
        KUST: "commonAnnotations:\n  owner: platform@example.com\n  docs: https://example.com/docs\nresources:\n- all.yaml\n",
        "all.yaml": deployment() + "---\n" + service(),
    })
    case("commonannotations-quoted-values", {
        KUST: d("""
        commonAnnotations:
          enabled: "true"
          count: "10"
          ratio: "1.5"
          empty: ""
          tilde: "~"
          octal: "0755"
          colon: "a: b"
        resources:
        - cm.yaml
        """),
        "cm.yaml": configmap(),
    })
    case("commonannotations-multiline-value", {
        KUST: "commonAnnotations:\n  description: |\n    first line\n    second line\nresources:\n- cm.yaml\n",
        "cm.yaml": configmap(),
    })
    case("commonannotations-templates-and-cronjob", {
        KUST: "commonAnnotations:\n  prometheus.io/scrape: \"true\"\nresources:\n- all.yaml\n",
        "all.yaml": deployment() + "---\n" + pod_workload("CronJob", "nightly", "containers:\n- name: n\n  image: busybox\nrestartPolicy: Never\n"),
    })
    case("commonannotations-overlay-merges-existing", {
        "base/kustomization.yaml": "commonAnnotations:\n  a: base\n  b: base\nresources:\n- cm.yaml\n",
        "base/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    z: original\n    a: original\n",
        "overlay/kustomization.yaml": "commonAnnotations:\n  b: overlay\n  c: overlay\nresources:\n- ../base\n",
    }, root="overlay")

    # ---------------------------------------------------------------- images
    every_kind = "---\n".join([
        pod_workload("Deployment", "d", "      initContainers:\n      - name: init\n        image: busybox:1.36\n      containers:\n      - name: app\n        image: myapp\n"),
        pod_workload("StatefulSet", "s", "      containers:\n      - name: app\n        image: myapp:v1\n"),
        pod_workload("DaemonSet", "ds", "      containers:\n      - name: app\n        image: myapp:v1\n      - name: side\n        image: busybox\n"),
        pod_workload("ReplicaSet", "rs", "      containers:\n      - name: app\n        image: myapp@sha256:0000000000000000000000000000000000000000000000000000000000000000\n"),
        pod_workload("Job", "j", "      restartPolicy: Never\n      containers:\n      - name: app\n        image: myapp:v1\n"),
        pod_workload("CronJob", "cj", "restartPolicy: Never\ninitContainers:\n- name: init\n  image: myapp:v0\ncontainers:\n- name: app\n  image: myapp:v1\n"),
        pod_workload("Pod", "p", "      containers:\n      - name: app\n        image: myapp:latest\n"),
    ])
    case("images-newtag", {
        KUST: "images:\n- name: myapp\n  newTag: v1.2.0\nresources:\n- deploy.yaml\n",
        "deploy.yaml": deployment("myapp", image="myapp:v1.0.0"),
    })
    case("images-newname", {
        KUST: "images:\n- name: nginx\n  newName: registry.example.com/mirror/nginx\nresources:\n- deploy.yaml\n",
        "deploy.yaml": deployment("web", image="nginx:1.25.3"),
    })
    case("images-newname-and-newtag", {
        KUST: "images:\n- name: nginx\n  newName: ghcr.io/acme/nginx\n  newTag: 1.27-alpine\nresources:\n- deploy.yaml\n",
        "deploy.yaml": deployment("web", image="nginx"),
    })
    case("images-digest", {
        KUST: "images:\n- name: myapp\n  digest: sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3\nresources:\n- deploy.yaml\n",
        "deploy.yaml": deployment("myapp", image="myapp:v1.0.0"),
    })
    case("images-tag-and-digest", {
        KUST: "images:\n- name: myapp\n  newTag: v2\n  digest: sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3\nresources:\n- deploy.yaml\n",
        "deploy.yaml": deployment("myapp", image="myapp:v1.0.0"),
    })
    case("images-all-workload-kinds-and-initcontainers", {
        KUST: "images:\n- name: myapp\n  newName: registry.example.com/myapp\n  newTag: v1.2.0\n- name: busybox\n  newTag: \"1.37\"\nresources:\n- all.yaml\n",
        "all.yaml": every_kind,
    })
    case("images-registry-with-port", {
        KUST: "images:\n- name: localhost:5000/team/app\n  newTag: \"7\"\n- name: docker.io/library/redis\n  newName: mirror.local:8443/redis\nresources:\n- all.yaml\n",
        "all.yaml": deployment("app", image="localhost:5000/team/app:6") + "---\n" + deployment("cache", image="docker.io/library/redis:7.2"),
    })
    case("images-existing-digest-replaced-by-tag", {
        KUST: "images:\n- name: myapp\n  newTag: v3\nresources:\n- all.yaml\n",
        "all.yaml": deployment("myapp", image="myapp@sha256:1111111111111111111111111111111111111111111111111111111111111111"),
    })
    case("images-no-match-untouched", {
        KUST: "images:\n- name: other\n  newTag: v9\n- name: nginx-unrelated\n  newTag: v9\nresources:\n- deploy.yaml\n",
        "deploy.yaml": deployment("web", image="nginx:1.25.3"),
    })
    case("images-custom-resource-containers", {
        KUST: "images:\n- name: myapp\n  newTag: v2\nresources:\n- cr.yaml\n",
        "cr.yaml": d("""
        apiVersion: example.com/v1
        kind: AppSet
        metadata:
          name: cr
        spec:
          template:
            spec:
              containers:
              - name: app
                image: myapp:v1
          sidecars:
            containers:
            - name: app2
              image: myapp:v1
          image: myapp:v1
        """),
    })
    case("images-overlay-chain", {
        "base/kustomization.yaml": "images:\n- name: myapp\n  newTag: v1\nresources:\n- deploy.yaml\n",
        "base/deploy.yaml": deployment("myapp", image="myapp"),
        "overlay/kustomization.yaml": "images:\n- name: myapp\n  newName: registry.example.com/myapp\n  newTag: v2\nresources:\n- ../base\n",
    }, root="overlay")
    case("images-name-with-dots-and-slashes", {
        KUST: "images:\n- name: quay.io/prometheus/node-exporter\n  newTag: v1.8.2\n- name: k8s.gcr.io/pause\n  newName: registry.k8s.io/pause\nresources:\n- all.yaml\n",
        "all.yaml": deployment("exporter", image="quay.io/prometheus/node-exporter:v1.7.0") + "---\n" + deployment("pause", image="k8s.gcr.io/pause:3.9"),
    })
    case("images-configurations-custom-fieldspec", {
        KUST: "images:\n- name: myapp\n  newTag: v5\nconfigurations:\n- images-config.yaml\nresources:\n- cr.yaml\n",
        "images-config.yaml": "images:\n- path: spec/runner/image\n  kind: Pipeline\n",
        "cr.yaml": "apiVersion: ci.example.com/v1\nkind: Pipeline\nmetadata:\n  name: build\nspec:\n  runner:\n    image: myapp:v1\n",
    })
    case("images-newtag-numeric-quoted", {
        KUST: "images:\n- name: myapp\n  newTag: \"1.10\"\n- name: other\n  newTag: \"2\"\nresources:\n- all.yaml\n",
        "all.yaml": deployment("myapp", image="myapp:1.9") + "---\n" + deployment("other", image="other:1"),
    })

    # ---------------------------------------------------------------- replicas
    case("replicas-deployment", {
        KUST: "replicas:\n- name: web\n  count: 5\nresources:\n- deploy.yaml\n",
        "deploy.yaml": deployment("web"),
    })
    case("replicas-statefulset-and-replicaset", {
        KUST: "replicas:\n- name: s\n  count: 3\n- name: rs\n  count: 0\nresources:\n- all.yaml\n",
        "all.yaml": pod_workload("StatefulSet", "s", "      containers:\n      - name: c\n        image: busybox\n") + "---\n" +
                    pod_workload("ReplicaSet", "rs", "      containers:\n      - name: c\n        image: busybox\n"),
    })
    case("replicas-overlay-with-prefix", {
        "base/kustomization.yaml": "resources:\n- deploy.yaml\n",
        "base/deploy.yaml": deployment("web", replicas=1),
        "overlay/kustomization.yaml": "namePrefix: prod-\nreplicas:\n- name: web\n  count: 10\nresources:\n- ../base\n",
    }, root="overlay")
    case("replicas-field-missing-is-added", {
        KUST: "replicas:\n- name: web\n  count: 2\nresources:\n- deploy.yaml\n",
        "deploy.yaml": deployment("web").replace("  replicas: 1\n", ""),
    })
