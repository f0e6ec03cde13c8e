from _common import KUST


def define(case, d):
    case("realistic-deployment-probes-lifecycle-quantities", {
        KUST: "namePrefix: full-\ncommonLabels:\n  app.kubernetes.io/name: full\nimages:\n- name: ghcr.io/acme/api\n  newTag: \"3.2\"\nresources:\n- deploy.yaml\n",
        "deploy.yaml": d("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
          annotations:
            deployment.kubernetes.io/revision: "3"
        spec:
          revisionHistoryLimit: 5
          progressDeadlineSeconds: 600
          strategy:
            type: RollingUpdate
            rollingUpdate:
              maxSurge: 25%
              maxUnavailable: 0
          selector:
            matchLabels:
              app: api
          template:
            metadata:
              labels:
                app: api
              annotations:
                kubectl.kubernetes.io/restartedAt: "2024-05-01T10:00:00Z"
            spec:
              terminationGracePeriodSeconds: 45
              securityContext:
                runAsNonRoot: true
                runAsUser: 10001
                fsGroup: 2000
                seccompProfile:
                  type: RuntimeDefault
              topologySpreadConstraints:
              - maxSkew: 1
                topologyKey: kubernetes.io/hostname
                whenUnsatisfiable: ScheduleAnyway
                labelSelector:
                  matchLabels:
                    app: api
              containers:
              - name: api
                image: ghcr.io/acme/api:3.1
                imagePullPolicy: IfNotPresent
                args: ["--port=8080", "--log-format=json"]
                ports:
                - name: http
                  containerPort: 8080
                  protocol: TCP
                resources:
                  requests:
                    cpu: 0.5
                    memory: 256Mi
                    ephemeral-storage: 1G
                  limits:
                    cpu: 2
                    memory: 1e9
                startupProbe:
                  httpGet:
                    path: /startup
                    port: http
                  failureThreshold: 30
                  periodSeconds: 2
                readinessProbe:
                  tcpSocket:
                    port: 8080
                livenessProbe:
                  exec:
                    command: ["/bin/sh", "-c", "test -f /tmp/healthy"]
                  initialDelaySeconds: 10
                lifecycle:
                  preStop:
                    exec:
                      command: ["sleep", "5"]
                securityContext:
                  readOnlyRootFilesystem: true
                  allowPrivilegeEscalation: false
                  capabilities:
                    drop: [ALL]
        """),
    })
    case("realistic-hpa-v2-behavior-and-custom-metrics", {
        KUST: "namespace: autoscale\nnameSuffix: -eu\nresources:\n- all.yaml\n",
        "all.yaml": d("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: worker
        spec:
          selector:
            matchLabels:
              app: worker
          template:
            metadata:
              labels:
                app: worker
            spec:
              containers:
              - name: worker
                image: example.com/worker:1
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata:
          name: worker
        spec:
          scaleTargetRef:
            apiVersion: apps/v1
            kind: Deployment
            name: worker
          minReplicas: 1
          maxReplicas: 50
          behavior:
            scaleDown:
              stabilizationWindowSeconds: 300
              policies:
              - type: Percent
                value: 10
                periodSeconds: 60
            scaleUp:
              selectPolicy: Max
              policies:
              - type: Pods
                value: 4
                periodSeconds: 15
          metrics:
          - type: External
            external:
              metric:
                name: queue_messages_ready
                selector:
                  matchLabels:
                    queue: worker_tasks
              target:
                type: AverageValue
                averageValue: "30"
          - type: Pods
            pods:
              metric:
                name: packets-per-second
              target:
                type: AverageValue
                averageValue: 1k
        """),
    })
    case("realistic-ingress-nginx-snippets-and-cronjob-timezone", {
        KUST: "namespace: edge\nresources:\n- all.yaml\n",
        "all.yaml": d("""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: site
          annotations:
            nginx.ingress.kubernetes.io/configuration-snippet: |
              more_set_headers "X-Frame-Options: DENY";
              more_set_headers "X-Content-Type-Options: nosniff";
            nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8,192.168.0.0/16
            nginx.ingress.kubernetes.io/proxy-read-timeout: "3600"
        spec:
          rules:
          - host: site.example.com
            http:
              paths:
              - path: /(.*)
                pathType: ImplementationSpecific
                backend:
                  service:
                    name: site
                    port:
                      number: 80
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: report
        spec:
          schedule: "@every 5m"
          timeZone: Europe/Berlin
          startingDeadlineSeconds: 200
          suspend: false
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                  - name: r
                    image: busybox
                    args: ["sh", "-c", "date; echo 'done: ok'"]
        """),
    })
