from _common import KUST


def define(case, d):
    dep = d("""
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: d
      ownerReferences:
      - apiVersion: v1
        kind: ConfigMap
        name: owner-a
        uid: uid-a
    spec:
      selector:
        matchLabels:
          app: d
      template:
        metadata:
          labels:
            app: d
        spec:
          hostAliases:
          - ip: 10.0.0.1
            hostnames: [a.local]
          tolerations:
          - key: a
            operator: Exists
          topologySpreadConstraints:
          - maxSkew: 1
            topologyKey: zone
            whenUnsatisfiable: DoNotSchedule
          readinessGates:
          - conditionType: example.com/ready
          containers:
          - name: c
            image: busybox
            resources:
              limits:
                cpu: "1"
            volumeMounts:
            - name: a
              mountPath: /a
            - name: b
              mountPath: /b
    """)
    patch = d("""
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: d
      ownerReferences:
      - apiVersion: v1
        kind: ConfigMap
        name: owner-b
        uid: uid-b
    spec:
      template:
        spec:
          hostAliases:
          - ip: 10.0.0.2
            hostnames: [b.local]
          - ip: 10.0.0.1
            hostnames: [a2.local]
          tolerations:
          - key: b
            operator: Exists
          topologySpreadConstraints:
          - maxSkew: 2
            topologyKey: zone
            whenUnsatisfiable: ScheduleAnyway
          - maxSkew: 1
            topologyKey: host
            whenUnsatisfiable: DoNotSchedule
          readinessGates:
          - conditionType: example.com/other
          containers:
          - name: c
            resources:
              $patch: delete
            volumeMounts:
            - name: b2
              mountPath: /b
            - name: c
              mountPath: /c
    """)
    case("patches-smp-builtin-patch-strategies-matrix", {
        "d.yaml": dep, "p.yaml": patch,
        KUST: "resources:\n- d.yaml\npatches:\n- path: p.yaml\n",
    })
    case("patches-smp-service-and-networkpolicy-lists", {
        "all.yaml": d("""
        apiVersion: v1
        kind: Service
        metadata:
          name: s
        spec:
          externalIPs: [1.1.1.1]
          ports:
          - port: 80
            protocol: TCP
          - port: 80
            protocol: UDP
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: np
        spec:
          podSelector: {}
          ingress:
          - from:
            - podSelector:
                matchLabels:
                  a: b
        """),
        KUST: "resources:\n- all.yaml\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: Service\n    metadata:\n      name: s\n    spec:\n      externalIPs: [2.2.2.2]\n      ports:\n      - port: 80\n        protocol: UDP\n        name: dns\n- patch: |-\n    apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata:\n      name: np\n    spec:\n      ingress:\n      - from:\n        - ipBlock:\n            cidr: 10.0.0.0/8\n",
    })
    case("patches-smp-statefulset-volumeclaimtemplates-and-ingress-rules", {
        "all.yaml": d("""
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: s
        spec:
          serviceName: s
          selector:
            matchLabels:
              app: s
          template:
            metadata:
              labels:
                app: s
            spec:
              containers:
              - name: c
                image: busybox
          volumeClaimTemplates:
          - metadata:
              name: data
            spec:
              accessModes: [ReadWriteOnce]
              resources:
                requests:
                  storage: 1Gi
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: i
        spec:
          rules:
          - host: a.example.com
          - host: b.example.com
        """),
        KUST: "resources:\n- all.yaml\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: StatefulSet\n    metadata:\n      name: s\n    spec:\n      volumeClaimTemplates:\n      - metadata:\n          name: data\n        spec:\n          resources:\n            requests:\n              storage: 10Gi\n- patch: |-\n    apiVersion: networking.k8s.io/v1\n    kind: Ingress\n    metadata:\n      name: i\n    spec:\n      rules:\n      - host: c.example.com\n",
    })
