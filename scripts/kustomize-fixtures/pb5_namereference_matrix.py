from _common import KUST


def define(case, d):
    gens = "configMapGenerator:\n- name: cfg\n  literals:\n  - a=b\nsecretGenerator:\n- name: sec\n  literals:\n  - c=d\n"
    case("namereference-rbac-rules-resourcenames", {
        KUST: "namePrefix: p-\nresources:\n- all.yaml\n" + gens,
        "all.yaml": d("""
        apiVersion: v1
        kind: PersistentVolume
        metadata:
          name: vol
        spec:
          capacity:
            storage: 1Gi
          accessModes: [ReadWriteOnce]
          hostPath:
            path: /mnt/vol
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: reader
        rules:
        - apiGroups: [""]
          resources: ["configmaps", "secrets"]
          resourceNames: ["cfg", "sec", "unrelated"]
          verbs: ["get"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: cluster-reader
        rules:
        - apiGroups: [""]
          resources: ["persistentvolumes", "configmaps"]
          resourceNames: ["vol", "cfg"]
          verbs: ["get"]
        """),
    })
    case("namereference-ingress-annotations-and-tls", {
        KUST: "nameSuffix: -x\nresources:\n- ingress.yaml\n" + gens,
        "ingress.yaml": d("""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: php
          annotations:
            nginx.ingress.kubernetes.io/fastcgi-params-configmap: cfg
            nginx.ingress.kubernetes.io/auth-secret: sec
            nginx.ingress.kubernetes.io/auth-tls-secret: sec
            ingress.kubernetes.io/auth-secret: sec
            unrelated.example.com/secret: sec
        spec:
          tls:
          - secretName: sec
          rules:
          - http:
              paths:
              - path: /
                pathType: Prefix
                backend:
                  service:
                    name: php
                    port:
                      number: 9000
        """),
    })
    case("namereference-storageclass-parameters-and-pv-azurefile", {
        KUST: "namePrefix: p-\nresources:\n- all.yaml\n" + gens,
        "all.yaml": d("""
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: ceph
        provisioner: ceph.rook.io/block
        parameters:
          secretName: sec
          adminSecretName: sec
          userSecretName: sec
          secretRef: sec
          pool: replicapool
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata:
          name: azure
        spec:
          storageClassName: ceph
          capacity:
            storage: 5Gi
          accessModes: [ReadWriteMany]
          azureFile:
            secretName: sec
            shareName: data
        """),
    })
    case("namereference-node-configsource-and-knative-httproute", {
        KUST: "namePrefix: p-\nresources:\n- all.yaml\n" + gens,
        "all.yaml": d("""
        apiVersion: v1
        kind: Node
        metadata:
          name: node-1
        spec:
          configSource:
            configMap: cfg
        ---
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: hello
        spec:
          template:
            spec:
              containers:
              - image: example.com/hello
                env:
                - name: TOKEN
                  valueFrom:
                    secretKeyRef:
                      name: sec
                      key: c
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: backend
        spec:
          ports:
          - port: 80
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: route
        spec:
          rules:
          - backendRefs:
            - name: backend
              port: 80
            - name: not-in-build
              port: 80
        """),
    })
    case("namereference-ingressclass-and-priorityclass-everywhere", {
        KUST: "namePrefix: p-\nresources:\n- all.yaml\n",
        "all.yaml": d("""
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata:
          name: nginx
        spec:
          controller: k8s.io/ingress-nginx
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
        spec:
          ingressClassName: nginx
          defaultBackend:
            service:
              name: web
              port:
                number: 80
        ---
        apiVersion: scheduling.k8s.io/v1
        kind: PriorityClass
        metadata:
          name: high
        value: 1000
        ---
        apiVersion: v1
        kind: ReplicationController
        metadata:
          name: rc
        spec:
          selector:
            app: rc
          template:
            metadata:
              labels:
                app: rc
            spec:
              priorityClassName: high
              serviceAccountName: sa
              containers:
              - name: c
                image: busybox
              volumes:
              - name: v
                persistentVolumeClaim:
                  claimName: claim
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: cj
        spec:
          schedule: "@daily"
          jobTemplate:
            spec:
              template:
                spec:
                  priorityClassName: high
                  restartPolicy: Never
                  containers:
                  - name: c
                    image: busybox
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: sa
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: claim
        spec:
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 1Gi
        """),
    })
    case("namereference-hpa-targets-every-scalable-kind", {
        KUST: "nameSuffix: -s\nresources:\n- all.yaml\n",
        "all.yaml": "---\n".join(
            [f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: target\nspec:\n  selector:\n    {'app: t' if kind == 'ReplicationController' else 'matchLabels:' + chr(10) + '      app: t'}\n  template:\n    metadata:\n      labels:\n        app: t\n    spec:\n      containers:\n      - name: c\n        image: busybox\n" for api, kind in [("apps/v1", "Deployment"), ("v1", "ReplicationController"), ("apps/v1", "ReplicaSet"), ("apps/v1", "StatefulSet")]]
            + [f"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: hpa-{kind.lower()}\nspec:\n  scaleTargetRef:\n    apiVersion: {api}\n    kind: {kind}\n    name: target\n  minReplicas: 1\n  maxReplicas: 3\n" for api, kind in [("apps/v1", "Deployment"), ("v1", "ReplicationController"), ("apps/v1", "ReplicaSet"), ("apps/v1", "StatefulSet")]]
        ),
    })
    case("namereference-podtemplate-and-cronjob-every-secret-path", {
        KUST: "namePrefix: p-\nresources:\n- all.yaml\n" + gens,
        "all.yaml": d("""
        apiVersion: v1
        kind: PodTemplate
        metadata:
          name: tmpl
        template:
          spec:
            imagePullSecrets:
            - name: sec
            initContainers:
            - name: i
              image: busybox
              envFrom:
              - secretRef:
                  name: sec
              env:
              - name: X
                valueFrom:
                  secretKeyRef:
                    name: sec
                    key: c
            containers:
            - name: c
              image: busybox
            volumes:
            - name: s
              secret:
                secretName: sec
            - name: p
              projected:
                sources:
                - secret:
                    name: sec
                - configMap:
                    name: cfg
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: cj
        spec:
          schedule: "@hourly"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  imagePullSecrets:
                  - name: sec
                  initContainers:
                  - name: i
                    image: busybox
                    envFrom:
                    - secretRef:
                        name: sec
                    - configMapRef:
                        name: cfg
                  containers:
                  - name: c
                    image: busybox
                    env:
                    - name: Y
                      valueFrom:
                        configMapKeyRef:
                          name: cfg
                          key: a
                  volumes:
                  - name: p
                    projected:
                      sources:
                      - secret:
                          name: sec
        """),
    })
