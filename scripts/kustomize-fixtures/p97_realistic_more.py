from _common import KUST, deployment, service, configmap


def define(case, d):
    case("realistic-argo-rollout-custom-resource-images", {
        KUST: "namePrefix: shop-\nnamespace: shop\nimages:\n- name: example.com/shop\n  newTag: \"2.4.1\"\nresources:\n- rollout.yaml\n- svc.yaml\nconfigMapGenerator:\n- name: shop-config\n  literals:\n  - CURRENCY=EUR\n",
        "svc.yaml": service("shop-stable", app="shop") + "---\n" + service("shop-canary", app="shop"),
        "rollout.yaml": d("""
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata:
          name: shop
        spec:
          replicas: 5
          strategy:
            canary:
              stableService: shop-stable
              canaryService: shop-canary
              steps:
              - setWeight: 20
              - pause: {duration: 10m}
              - setWeight: 50
              - pause: {}
          selector:
            matchLabels:
              app: shop
          template:
            metadata:
              labels:
                app: shop
            spec:
              initContainers:
              - name: migrate
                image: example.com/shop:2.4.0
                args: ["migrate"]
              containers:
              - name: shop
                image: example.com/shop:2.4.0
                envFrom:
                - configMapRef:
                    name: shop-config
        """),
    })
    case("realistic-cert-manager-certificate-and-issuer", {
        KUST: "namespace: certs\nnamePrefix: prod-\nresources:\n- certs.yaml\n",
        "certs.yaml": d("""
        apiVersion: cert-manager.io/v1
        kind: ClusterIssuer
        metadata:
          name: letsencrypt
        spec:
          acme:
            server: https://acme-v02.api.letsencrypt.org/directory
            email: ops@example.com
            privateKeySecretRef:
              name: letsencrypt-account
            solvers:
            - http01:
                ingress:
                  ingressClassName: nginx
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata:
          name: wildcard
        spec:
          secretName: wildcard-tls
          duration: 2160h
          renewBefore: 360h
          dnsNames:
          - "*.example.com"
          - example.com
          issuerRef:
            name: letsencrypt
            kind: ClusterIssuer
        """),
    })
    case("realistic-prometheus-rule-templates-and-blocks", {
        KUST: "namespace: monitoring\ncommonLabels:\n  release: kube-prometheus\nresources:\n- rules.yaml\n",
        "rules.yaml": d("""
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata:
          name: node-rules
        spec:
          groups:
          - name: node.rules
            interval: 30s
            rules:
            - alert: NodeDown
              expr: up{job="node-exporter"} == 0
              for: 5m
              labels:
                severity: critical
              annotations:
                summary: "Node {{ $labels.instance }} down"
                description: |
                  Node {{ $labels.instance }} has been unreachable for more than 5 minutes.
                  Value: {{ $value }}
            - record: instance:node_cpu:rate5m
              expr: >-
                100 - (avg by (instance)
                (rate(node_cpu_seconds_total{mode="idle"}[5m])) * 100)
            - alert: DiskAlmostFull
              expr: 'node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.1'
              annotations:
                runbook_url: https://runbooks.example.com/disk#full
        """),
    })
    case("realistic-configmap-with-embedded-documents", {
        KUST: "resources:\n- cm.yaml\ncommonAnnotations:\n  checksum/config: \"abc123\"\n",
        "cm.yaml": d("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: app-files
        data:
          config.yaml: |
            server:
              port: 8080
              hosts: ["a", "b"]
            # a comment inside a block scalar
            feature: yes
          settings.json: |-
            {
              "debug": true,
              "level": "info"
            }
          nginx.conf: |
            server {
                listen       80;
                location / {
                    proxy_pass http://backend:8080;
                }
            }
          script.sh: "#!/bin/sh\\necho \\"hello\\"\\nexit 0\\n"
          empty.txt: ""
        """),
    })
    case("realistic-networkpolicies-with-namespace-selectors", {
        KUST: "namespace: payments\nnamePrefix: pay-\ncommonLabels:\n  team: payments\nresources:\n- netpol.yaml\n",
        "netpol.yaml": d("""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: default-deny
        spec:
          podSelector: {}
          policyTypes: [Ingress, Egress]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: allow-from-ingress
        spec:
          podSelector:
            matchLabels:
              app: api
          ingress:
          - from:
            - namespaceSelector:
                matchLabels:
                  kubernetes.io/metadata.name: ingress-nginx
              podSelector:
                matchLabels:
                  app.kubernetes.io/name: ingress-nginx
            ports:
            - protocol: TCP
              port: 8080
          egress:
          - to:
            - ipBlock:
                cidr: 10.0.0.0/8
                except:
                - 10.1.0.0/16
        """),
    })
    case("realistic-servicemonitor-and-service-with-prefix", {
        KUST: "namePrefix: api-\nresources:\n- monitoring.yaml\nlabels:\n- pairs:\n    app.kubernetes.io/instance: api\n  includeSelectors: true\n",
        "monitoring.yaml": service("metrics", app="api") + "---\n" + d("""
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata:
          name: metrics
        spec:
          namespaceSelector:
            matchNames:
            - default
          selector:
            matchLabels:
              app: api
          endpoints:
          - port: http
            path: /metrics
            interval: 15s
            relabelings:
            - sourceLabels: [__meta_kubernetes_pod_name]
              targetLabel: pod
        """),
    })
    case("realistic-istio-virtualservice-and-destinationrule", {
        KUST: "namespace: mesh\nresources:\n- istio.yaml\npatches:\n- target:\n    kind: VirtualService\n  patch: |-\n    - op: replace\n      path: /spec/http/0/route/0/weight\n      value: 90\n    - op: replace\n      path: /spec/http/0/route/1/weight\n      value: 10\n",
        "istio.yaml": d("""
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata:
          name: reviews
        spec:
          hosts:
          - reviews
          http:
          - route:
            - destination:
                host: reviews
                subset: v1
              weight: 100
            - destination:
                host: reviews
                subset: v2
              weight: 0
        ---
        apiVersion: networking.istio.io/v1beta1
        kind: DestinationRule
        metadata:
          name: reviews
        spec:
          host: reviews
          subsets:
          - name: v1
            labels:
              version: v1
          - name: v2
            labels:
              version: v2
        """),
    })
    case("realistic-pvc-and-statefulset-with-storageclass-prefix", {
        KUST: "namePrefix: tenant-a-\nresources:\n- storage.yaml\n",
        "storage.yaml": d("""
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: ssd
        provisioner: pd.csi.storage.gke.io
        parameters:
          type: pd-ssd
        reclaimPolicy: Retain
        volumeBindingMode: WaitForFirstConsumer
        allowVolumeExpansion: true
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: uploads
        spec:
          storageClassName: ssd
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 5Gi
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: store
        spec:
          serviceName: store
          selector:
            matchLabels:
              app: store
          template:
            metadata:
              labels:
                app: store
            spec:
              containers:
              - name: store
                image: minio/minio
                volumeMounts:
                - name: data
                  mountPath: /data
                - name: uploads
                  mountPath: /uploads
              volumes:
              - name: uploads
                persistentVolumeClaim:
                  claimName: uploads
          volumeClaimTemplates:
          - metadata:
              name: data
            spec:
              storageClassName: ssd
              accessModes: [ReadWriteOnce]
              resources:
                requests:
                  storage: 50Gi
        """),
    })

    # ---------------------------------------------------------------- more output format cases
    case("format-strings-with-dollar-braces-and-percent", {
        KUST: "resources:\n- cm.yaml\n",
        "cm.yaml": d("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: templates
        data:
          helm: "{{ .Values.x }}"
          shell: ${HOME}/bin
          make: $(VAR)
          percent: 100%
          printf: "%s-%d"
          jinja: "{% if x %}y{% endif %}"
          question-mark: what?
          exclamation: wow!
          caret: ^start
          semicolon: a;b
          backslash-n: 'literal \\n stays'
        """),
    })
    case("format-block-scalar-edge-whitespace", {
        KUST: "resources:\n- cm.yaml\n",
        "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ws\ndata:\n  trailing-blank-lines: \"a\\n\\n\\n\"\n  leading-space-line: \"  indented first\\nsecond\\n\"\n  middle-trailing-space: \"a  \\nb\\n\"\n  only-spaces: \"   \"\n  tab-start: \"\\tx\\n\"\n  crlf-block: \"a\\r\\nb\\r\\n\"\n  long-line-with-newline: \"" + ("lorem ipsum " * 12) + "\\nend\\n\"\n",
    })
    case("format-integer-like-keys-and-values-in-labels", {
        KUST: "resources:\n- cm.yaml\n",
        "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: intkeys\n  labels:\n    \"2\": two\n    \"3\": \"3\"\ndata:\n  \"10\": ten\n  \"09\": nine\n",
    })
    case("error-commonlabels-key-looks-like-boolean", {
        KUST: "resources:\n- cm.yaml\ncommonLabels:\n  \"true\": \"yes\"\n",
        "cm.yaml": configmap(),
    }, error="commonLabels")
    case("format-wide-unicode-and-quoting-mixed", {
        KUST: "resources:\n- cm.yaml\n",
        "cm.yaml": d("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: mixed
        data:
          quote-and-unicode: "naïve 'quote'"
          colon-unicode: "clé: valeur"
          emoji-only: "✅"
          combining: "e\\u0301"
          fullwidth: "ＡＢＣ"
          line-sep: "a\\u2028b"
        """),
    })
