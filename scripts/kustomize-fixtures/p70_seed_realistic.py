from _common import KUST, deployment, service, configmap


def define(case, d):
    # ---------------------------------------------------------------- seed layout: base + overlays
    seed = {
        "base/kustomization.yaml": d("""
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        labels:
        - pairs:
            app.kubernetes.io/name: myapp
          includeSelectors: true
        resources:
        - deployment.yaml
        - service.yaml
        - serviceaccount.yaml
        configMapGenerator:
        - name: myapp-config
          literals:
          - LOG_LEVEL=info
          - FEATURE_FLAGS=
        """),
        "base/deployment.yaml": d("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: myapp
        spec:
          replicas: 1
          selector:
            matchLabels:
              component: server
          template:
            metadata:
              labels:
                component: server
            spec:
              serviceAccountName: myapp
              containers:
              - name: myapp
                image: myapp:v1.2.0
                ports:
                - name: http
                  containerPort: 8080
                envFrom:
                - configMapRef:
                    name: myapp-config
                readinessProbe:
                  httpGet:
                    path: /healthz
                    port: http
                resources:
                  requests:
                    cpu: 100m
                    memory: 128Mi
        """),
        "base/service.yaml": d("""
        apiVersion: v1
        kind: Service
        metadata:
          name: myapp
        spec:
          selector:
            component: server
          ports:
          - name: http
            port: 80
            targetPort: http
        """),
        "base/serviceaccount.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: myapp\n",
        "overlays/dev/kustomization.yaml": d("""
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        namespace: myapp-dev
        namePrefix: dev-
        resources:
        - ../../base
        images:
        - name: myapp
          newTag: v1.3.0-rc.1
        configMapGenerator:
        - name: myapp-config
          behavior: merge
          literals:
          - LOG_LEVEL=debug
        """),
        "overlays/staging/kustomization.yaml": d("""
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        namespace: myapp-staging
        resources:
        - ../../base
        images:
        - name: myapp
          newName: registry.example.com/myapp
          newTag: v1.2.0
        replicas:
        - name: myapp
          count: 2
        labels:
        - pairs:
            env: staging
        patches:
        - path: resources.yaml
        """),
        "overlays/staging/resources.yaml": d("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: myapp
        spec:
          template:
            spec:
              containers:
              - name: myapp
                resources:
                  limits:
                    memory: 256Mi
        """),
        "overlays/prod/kustomization.yaml": d("""
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        namespace: myapp-prod
        resources:
        - ../../base
        - hpa.yaml
        - pdb.yaml
        images:
        - name: myapp
          newName: registry.example.com/myapp
          digest: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
        replicas:
        - name: myapp
          count: 5
        commonAnnotations:
          oncall: team-myapp
        patches:
        - target:
            kind: Deployment
            name: myapp
          patch: |-
            - op: add
              path: /spec/template/spec/topologySpreadConstraints
              value:
              - maxSkew: 1
                topologyKey: topology.kubernetes.io/zone
                whenUnsatisfiable: DoNotSchedule
                labelSelector:
                  matchLabels:
                    component: server
        - path: prod-resources.yaml
        configMapGenerator:
        - name: myapp-config
          behavior: replace
          literals:
          - LOG_LEVEL=warn
          - FEATURE_FLAGS=stable-only
        secretGenerator:
        - name: myapp-db
          literals:
          - DATABASE_URL=postgres://myapp@db.prod:5432/myapp
        """),
        "overlays/prod/prod-resources.yaml": d("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: myapp
        spec:
          template:
            spec:
              containers:
              - name: myapp
                envFrom:
                - secretRef:
                    name: myapp-db
                resources:
                  requests:
                    cpu: "1"
                    memory: 1Gi
                  limits:
                    memory: 1Gi
        """),
        "overlays/prod/hpa.yaml": d("""
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata:
          name: myapp
        spec:
          scaleTargetRef:
            apiVersion: apps/v1
            kind: Deployment
            name: myapp
          minReplicas: 5
          maxReplicas: 20
          metrics:
          - type: Resource
            resource:
              name: cpu
              target:
                type: Utilization
                averageUtilization: 60
        """),
        "overlays/prod/pdb.yaml": d("""
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata:
          name: myapp
        spec:
          minAvailable: 60%
          selector:
            matchLabels:
              component: server
        """),
    }
    case("seed-base", dict(seed), root="base")
    case("seed-overlay-dev", dict(seed), root="overlays/dev")
    case("seed-overlay-staging", dict(seed), root="overlays/staging")
    case("seed-overlay-prod", dict(seed), root="overlays/prod")
    case("seed-overlay-prod-reorder-none", dict(seed), root="overlays/prod", flags="--reorder none")
    case("seed-all-overlays-aggregated", {
        **seed,
        KUST: "resources:\n- overlays/dev\n- overlays/staging\n- overlays/prod\n",
    })

    # ---------------------------------------------------------------- realistic workloads
    case("realistic-wordpress-mysql", {
        KUST: d("""
        namespace: blog
        commonLabels:
          app.kubernetes.io/part-of: wordpress
        secretGenerator:
        - name: mysql-pass
          literals:
          - password=YOUR_PASSWORD
        resources:
        - mysql.yaml
        - wordpress.yaml
        """),
        "mysql.yaml": d("""
        apiVersion: v1
        kind: Service
        metadata:
          name: wordpress-mysql
          labels:
            app: wordpress
        spec:
          ports:
          - port: 3306
          selector:
            app: wordpress
            tier: mysql
          clusterIP: None
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: mysql-pv-claim
          labels:
            app: wordpress
        spec:
          accessModes:
          - ReadWriteOnce
          resources:
            requests:
              storage: 20Gi
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: wordpress-mysql
          labels:
            app: wordpress
        spec:
          selector:
            matchLabels:
              app: wordpress
              tier: mysql
          strategy:
            type: Recreate
          template:
            metadata:
              labels:
                app: wordpress
                tier: mysql
            spec:
              containers:
              - image: mysql:8.0
                name: mysql
                env:
                - name: MYSQL_ROOT_PASSWORD
                  valueFrom:
                    secretKeyRef:
                      name: mysql-pass
                      key: password
                ports:
                - containerPort: 3306
                  name: mysql
                volumeMounts:
                - name: mysql-persistent-storage
                  mountPath: /var/lib/mysql
              volumes:
              - name: mysql-persistent-storage
                persistentVolumeClaim:
                  claimName: mysql-pv-claim
        """),
        "wordpress.yaml": d("""
        apiVersion: v1
        kind: Service
        metadata:
          name: wordpress
          labels:
            app: wordpress
        spec:
          ports:
          - port: 80
          selector:
            app: wordpress
            tier: frontend
          type: LoadBalancer
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: wp-pv-claim
          labels:
            app: wordpress
        spec:
          accessModes:
          - ReadWriteOnce
          resources:
            requests:
              storage: 20Gi
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: wordpress
          labels:
            app: wordpress
        spec:
          selector:
            matchLabels:
              app: wordpress
              tier: frontend
          strategy:
            type: Recreate
          template:
            metadata:
              labels:
                app: wordpress
                tier: frontend
            spec:
              containers:
              - image: wordpress:6.2.1-apache
                name: wordpress
                env:
                - name: WORDPRESS_DB_HOST
                  value: wordpress-mysql
                - name: WORDPRESS_DB_PASSWORD
                  valueFrom:
                    secretKeyRef:
                      name: mysql-pass
                      key: password
                ports:
                - containerPort: 80
                  name: wordpress
                volumeMounts:
                - name: wordpress-persistent-storage
                  mountPath: /var/www/html
              volumes:
              - name: wordpress-persistent-storage
                persistentVolumeClaim:
                  claimName: wp-pv-claim
        """),
    })
    case("realistic-operator-with-crd-rbac-and-webhook", {
        KUST: d("""
        namespace: widget-system
        namePrefix: widget-
        labels:
        - pairs:
            control-plane: controller-manager
          includeSelectors: true
        resources:
        - crd.yaml
        - rbac.yaml
        - manager.yaml
        - webhook.yaml
        - sample.yaml
        images:
        - name: controller
          newName: ghcr.io/acme/widget-operator
          newTag: v0.9.1
        """),
        "crd.yaml": d("""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.acme.io
        spec:
          group: acme.io
          names:
            kind: Widget
            listKind: WidgetList
            plural: widgets
            singular: widget
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      size:
                        type: integer
                        minimum: 1
        """),
        "rbac.yaml": d("""
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: controller-manager
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: manager-role
        rules:
        - apiGroups: ["acme.io"]
          resources: ["widgets", "widgets/status"]
          verbs: ["get", "list", "watch", "update", "patch"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: manager-rolebinding
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: manager-role
        subjects:
        - kind: ServiceAccount
          name: controller-manager
          namespace: system
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: leader-election-role
        rules:
        - apiGroups: ["coordination.k8s.io"]
          resources: ["leases"]
          verbs: ["get", "create", "update"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: leader-election-rolebinding
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: Role
          name: leader-election-role
        subjects:
        - kind: ServiceAccount
          name: controller-manager
          namespace: system
        """),
        "manager.yaml": d("""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: system
          labels:
            control-plane: controller-manager
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: controller-manager
          namespace: system
        spec:
          selector:
            matchLabels:
              app: manager
          replicas: 1
          template:
            metadata:
              annotations:
                kubectl.kubernetes.io/default-container: manager
              labels:
                app: manager
            spec:
              securityContext:
                runAsNonRoot: true
              containers:
              - command:
                - /manager
                args:
                - --leader-elect
                image: controller:latest
                name: manager
                securityContext:
                  allowPrivilegeEscalation: false
                  capabilities:
                    drop: ["ALL"]
                livenessProbe:
                  httpGet:
                    path: /healthz
                    port: 8081
                  initialDelaySeconds: 15
                  periodSeconds: 20
              serviceAccountName: controller-manager
              terminationGracePeriodSeconds: 10
        """),
        "webhook.yaml": d("""
        apiVersion: v1
        kind: Service
        metadata:
          name: webhook-service
          namespace: system
        spec:
          ports:
          - port: 443
            protocol: TCP
            targetPort: 9443
          selector:
            app: manager
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata:
          name: validating-webhook-configuration
        webhooks:
        - admissionReviewVersions: ["v1"]
          clientConfig:
            service:
              name: webhook-service
              namespace: system
              path: /validate-acme-io-v1-widget
          failurePolicy: Fail
          name: vwidget.kb.io
          rules:
          - apiGroups: ["acme.io"]
            apiVersions: ["v1"]
            operations: ["CREATE", "UPDATE"]
            resources: ["widgets"]
          sideEffects: None
        """),
        "sample.yaml": "apiVersion: acme.io/v1\nkind: Widget\nmetadata:\n  name: sample\nspec:\n  size: 3\n",
    })
    case("realistic-cronjob-backup-with-secret-and-pvc", {
        KUST: d("""
        namespace: backups
        nameSuffix: -nightly
        resources:
        - cronjob.yaml
        - pvc.yaml
        secretGenerator:
        - name: s3-credentials
          envs:
          - s3.env
        configMapGenerator:
        - name: backup-script
          files:
          - backup.sh
        images:
        - name: amazon/aws-cli
          newTag: 2.15.0
        """),
        "s3.env": "AWS_ACCESS_KEY_ID=AKIAEXAMPLE\nAWS_SECRET_ACCESS_KEY=secretexample\nAWS_DEFAULT_REGION=eu-central-1\n",
        "backup.sh": "#!/bin/sh\nset -eu\ntar czf /backup/data-$(date +%F).tgz /data\naws s3 cp /backup s3://backups/ --recursive\n",
        "pvc.yaml": "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: backup-scratch\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 50Gi\n",
        "cronjob.yaml": d("""
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: backup
        spec:
          schedule: "0 2 * * *"
          concurrencyPolicy: Forbid
          successfulJobsHistoryLimit: 3
          jobTemplate:
            spec:
              backoffLimit: 2
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                  - name: backup
                    image: amazon/aws-cli:2.13.0
                    command: ["/bin/sh", "/scripts/backup.sh"]
                    envFrom:
                    - secretRef:
                        name: s3-credentials
                    volumeMounts:
                    - name: script
                      mountPath: /scripts
                    - name: scratch
                      mountPath: /backup
                  volumes:
                  - name: script
                    configMap:
                      name: backup-script
                      defaultMode: 0755
                  - name: scratch
                    persistentVolumeClaim:
                      claimName: backup-scratch
        """),
    })
    case("realistic-statefulset-headless-and-pdb", {
        KUST: "namePrefix: kafka-\ncommonLabels:\n  app.kubernetes.io/name: kafka\nresources:\n- kafka.yaml\nreplicas:\n- name: broker\n  count: 3\nimages:\n- name: bitnami/kafka\n  newTag: 3.7.0\n",
        "kafka.yaml": d("""
        apiVersion: v1
        kind: Service
        metadata:
          name: headless
        spec:
          clusterIP: None
          publishNotReadyAddresses: true
          ports:
          - name: broker
            port: 9092
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: broker
        spec:
          serviceName: headless
          podManagementPolicy: Parallel
          template:
            spec:
              containers:
              - name: kafka
                image: bitnami/kafka:3.6.1
                ports:
                - containerPort: 9092
                  name: broker
                volumeMounts:
                - name: data
                  mountPath: /bitnami/kafka
          volumeClaimTemplates:
          - metadata:
              name: data
            spec:
              accessModes: [ReadWriteOnce]
              resources:
                requests:
                  storage: 100Gi
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata:
          name: broker
        spec:
          maxUnavailable: 1
        """),
    })
    case("realistic-daemonset-node-exporter", {
        KUST: "namespace: monitoring\nresources:\n- ds.yaml\nimages:\n- name: quay.io/prometheus/node-exporter\n  newTag: v1.8.1\ncommonAnnotations:\n  prometheus.io/scrape: \"true\"\n  prometheus.io/port: \"9100\"\n",
        "ds.yaml": d("""
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: node-exporter
        spec:
          selector:
            matchLabels:
              app: node-exporter
          updateStrategy:
            type: RollingUpdate
            rollingUpdate:
              maxUnavailable: 10%
          template:
            metadata:
              labels:
                app: node-exporter
            spec:
              hostNetwork: true
              hostPID: true
              tolerations:
              - operator: Exists
              containers:
              - name: node-exporter
                image: quay.io/prometheus/node-exporter:v1.7.0
                args:
                - --path.rootfs=/host
                ports:
                - containerPort: 9100
                  hostPort: 9100
                  name: metrics
                volumeMounts:
                - name: root
                  mountPath: /host
                  readOnly: true
                  mountPropagation: HostToContainer
              volumes:
              - name: root
                hostPath:
                  path: /
        """),
    })
    case("realistic-ingress-multi-host-with-tls", {
        KUST: "namespace: web\nnamePrefix: site-\nresources:\n- svc.yaml\n- ingress.yaml\nsecretGenerator:\n- name: wildcard-tls\n  type: kubernetes.io/tls\n  files:\n  - tls.crt\n  - tls.key\n",
        "tls.crt": "CERT\n", "tls.key": "KEY\n",
        "svc.yaml": service("www") + "---\n" + service("docs") + "---\n" + service("api", port=8080),
        "ingress.yaml": d("""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: public
          annotations:
            cert-manager.io/cluster-issuer: letsencrypt
            nginx.ingress.kubernetes.io/proxy-body-size: "0"
        spec:
          ingressClassName: nginx
          tls:
          - hosts: [www.example.com, docs.example.com]
            secretName: wildcard-tls
          rules:
          - host: www.example.com
            http:
              paths:
              - path: /
                pathType: Prefix
                backend:
                  service:
                    name: www
                    port:
                      number: 80
          - host: docs.example.com
            http:
              paths:
              - path: /
                pathType: Prefix
                backend:
                  service:
                    name: docs
                    port:
                      number: 80
              - path: /api
                pathType: ImplementationSpecific
                backend:
                  service:
                    name: api
                    port:
                      number: 8080
        """),
    })
    case("realistic-job-with-init-and-sidecar", {
        KUST: "namePrefix: etl-\nresources:\n- job.yaml\nconfigMapGenerator:\n- name: etl-config\n  files:\n  - config.yaml=etl-config.yaml\nimages:\n- name: python\n  newTag: 3.12-slim\n",
        "etl-config.yaml": "source:\n  url: s3://bucket/input\n  format: parquet\nsink:\n  table: analytics.events\n  batch: 1000\n",
        "job.yaml": d("""
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: load
        spec:
          ttlSecondsAfterFinished: 3600
          backoffLimit: 0
          template:
            metadata:
              annotations:
                sidecar.istio.io/inject: "false"
            spec:
              restartPolicy: Never
              initContainers:
              - name: fetch
                image: busybox:1.36
                command: ["sh", "-c", "echo fetching"]
              containers:
              - name: etl
                image: python:3.11
                command: ["python", "-m", "etl", "--config", "/etc/etl/config.yaml"]
                volumeMounts:
                - name: config
                  mountPath: /etc/etl
              volumes:
              - name: config
                configMap:
                  name: etl-config
        """),
    })

    # ---------------------------------------------------------------- interactions
    case("interaction-overlay-on-base-on-base", {
        "base/kustomization.yaml": "resources:\n- deploy.yaml\nconfigMapGenerator:\n- name: cfg\n  literals:\n  - level=base\n",
        "base/deploy.yaml": deployment("app", image="myapp:v1", extra_container="        envFrom:\n        - configMapRef:\n            name: cfg\n"),
        "region/kustomization.yaml": "namePrefix: eu-\nnamespace: eu\nresources:\n- ../base\nimages:\n- name: myapp\n  newTag: v2\nconfigMapGenerator:\n- name: cfg\n  behavior: merge\n  literals:\n  - region=eu\n",
        "env/kustomization.yaml": "namePrefix: prod-\nresources:\n- ../region\nreplicas:\n- name: eu-app\n  count: 3\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: eu-app\n      namespace: eu\n    spec:\n      template:\n        spec:\n          containers:\n          - name: app\n            resources:\n              limits:\n                cpu: \"2\"\nconfigMapGenerator:\n- name: cfg\n  namespace: eu\n  behavior: merge\n  literals:\n  - level=prod\n",
    }, root="env")
    case("interaction-components-plus-patches-and-generators", {
        "base/kustomization.yaml": "resources:\n- deploy.yaml\n",
        "base/deploy.yaml": deployment("app"),
        "components/cache/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- redis.yaml\nconfigMapGenerator:\n- name: cache-config\n  literals:\n  - REDIS_HOST=redis\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: app\n    spec:\n      template:\n        spec:\n          containers:\n          - name: app\n            envFrom:\n            - configMapRef:\n                name: cache-config\n",
        "components/cache/redis.yaml": service("redis", port=6379, target=6379),
        "overlay/kustomization.yaml": "namePrefix: shop-\nresources:\n- ../base\ncomponents:\n- ../components/cache\npatches:\n- target:\n    kind: Service\n    name: redis\n  patch: |-\n    - op: add\n      path: /spec/type\n      value: ClusterIP\n",
    }, root="overlay")
    case("interaction-generators-prefix-namereference-everywhere", {
        KUST: "namePrefix: team-\nnameSuffix: -v1\nnamespace: team\nresources:\n- deploy.yaml\n- refs.yaml\nconfigMapGenerator:\n- name: api-config\n  behavior: create\n  literals:\n  - mode=generated\nsecretGenerator:\n- name: api-secret\n  literals:\n  - token=generated\n",
        "deploy.yaml": __import__("_common").DEPLOY_WITH_REFS,
        "refs.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api-sa\n---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: api-data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n",
    })
    case("interaction-namespace-per-overlay-diamond", {
        KUST: "resources:\n- dev\n- prod\n",
        "base/kustomization.yaml": "resources:\n- all.yaml\n",
        "base/all.yaml": deployment("api") + "---\n" + service("api") + "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: api\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- kind: ServiceAccount\n  name: api\n",
        "dev/kustomization.yaml": "namespace: dev\nresources:\n- ../base\n",
        "prod/kustomization.yaml": "namespace: prod\nresources:\n- ../base\n",
    })
    case("interaction-labels-then-patch-then-images", {
        KUST: d("""
        resources:
        - deploy.yaml
        commonLabels:
          app: relabeled
        images:
        - name: busybox
          newTag: "1.36"
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
                  - name: debug
                    image: busybox
        """),
        "deploy.yaml": deployment("web"),
    })
    case("interaction-replacements-after-prefix-and-generator", {
        KUST: d("""
        namePrefix: p-
        resources:
        - res.yaml
        configMapGenerator:
        - name: endpoints
          literals:
          - host=db.internal
        replacements:
        - source:
            kind: Service
            name: db
            fieldPath: metadata.name
          targets:
          - select:
              kind: ConfigMap
              name: endpoints
            fieldPaths:
            - data.host
        """),
        "res.yaml": service("db"),
    })
    case("interaction-vars-with-namespace-and-suffix", {
        KUST: "namespace: data\nnameSuffix: -prod\nresources:\n- res.yaml\nvars:\n- name: DB_SVC\n  objref:\n    kind: Service\n    name: db\n    apiVersion: v1\n- name: DB_NS\n  objref:\n    kind: Service\n    name: db\n    apiVersion: v1\n  fieldref:\n    fieldpath: metadata.namespace\n",
        "res.yaml": service("db") + "---\n" + deployment("app", extra_container="        env:\n        - name: DB_URL\n          value: postgres://$(DB_SVC).$(DB_NS).svc:5432\n"),
    })
    case("interaction-crd-custom-resource-with-everything", {
        KUST: "namespace: apps\nnamePrefix: x-\ncommonLabels:\n  team: a\ncommonAnnotations:\n  owner: a\nimages:\n- name: myapp\n  newTag: v9\nresources:\n- crd.yaml\n- cr.yaml\n",
        "crd.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: apps.example.com\nspec:\n  group: example.com\n  names:\n    kind: App\n    plural: apps\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n",
        "cr.yaml": "apiVersion: example.com/v1\nkind: App\nmetadata:\n  name: my\nspec:\n  selector:\n    matchLabels:\n      a: b\n  template:\n    spec:\n      containers:\n      - name: c\n        image: myapp:v1\n",
    })
