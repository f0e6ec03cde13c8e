from _common import KUST


def define(case, d):
    affinity = d("""
          affinity:
            podAffinity:
              preferredDuringSchedulingIgnoredDuringExecution:
              - weight: 50
                podAffinityTerm:
                  topologyKey: zone
                  labelSelector:
                    matchLabels:
                      role: cache
              requiredDuringSchedulingIgnoredDuringExecution:
              - topologyKey: zone
                labelSelector:
                  matchLabels:
                    role: db
            podAntiAffinity:
              preferredDuringSchedulingIgnoredDuringExecution:
              - weight: 100
                podAffinityTerm:
                  topologyKey: kubernetes.io/hostname
                  labelSelector:
                    matchLabels:
                      role: web
              requiredDuringSchedulingIgnoredDuringExecution:
              - topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchExpressions:
                  - key: role
                    operator: In
                    values: [web]
          topologySpreadConstraints:
          - maxSkew: 1
            topologyKey: zone
            whenUnsatisfiable: DoNotSchedule
            labelSelector:
              matchLabels:
                role: web
          containers:
          - name: c
            image: busybox
    """)
    pod = "\n".join("      " + l if l else l for l in affinity.splitlines()) + "\n"

    def workload(kind, extra=""):
        return (f"apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {kind.lower()}\nspec:\n{extra}  selector:\n    matchLabels:\n      role: web\n"
                f"  template:\n    metadata:\n      labels:\n        role: web\n    spec:\n{pod}")
    docs = [workload("Deployment"), workload("StatefulSet", "  serviceName: s\n"), workload("DaemonSet"), workload("ReplicaSet")]
    docs.append(d("""
    apiVersion: batch/v1
    kind: Job
    metadata:
      name: job-with-selector
    spec:
      manualSelector: true
      selector:
        matchLabels:
          role: batch
      template:
        metadata:
          labels:
            role: batch
        spec:
          restartPolicy: Never
          containers:
          - name: c
            image: busybox
    """))
    docs.append(d("""
    apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: cron-with-selector
    spec:
      schedule: "@daily"
      jobTemplate:
        spec:
          selector:
            matchLabels:
              role: cron
          template:
            metadata:
              labels:
                role: cron
            spec:
              restartPolicy: Never
              containers:
              - name: c
                image: busybox
    """))
    docs.append(d("""
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: np
    spec:
      podSelector:
        matchLabels:
          role: web
      ingress:
      - from:
        - podSelector:
            matchLabels:
              role: lb
      egress:
      - to:
        - podSelector:
            matchLabels:
              role: db
        - namespaceSelector:
            matchLabels:
              team: data
    """))
    docs.append("apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: rc\nspec:\n  selector:\n    role: web\n  template:\n    metadata:\n      labels:\n        role: web\n    spec:\n      containers:\n      - name: c\n        image: busybox\n")
    all_yaml = "---\n".join(docs)
    case("commonlabels-selector-fieldspec-matrix", {
        KUST: "commonLabels:\n  owner: matrix\nresources:\n- all.yaml\n",
        "all.yaml": all_yaml,
    })
    case("labels-include-selectors-fieldspec-matrix", {
        KUST: "labels:\n- pairs:\n    owner: matrix\n  includeSelectors: true\nresources:\n- all.yaml\n",
        "all.yaml": all_yaml,
    })
    case("labels-include-templates-fieldspec-matrix", {
        KUST: "labels:\n- pairs:\n    owner: matrix\n  includeTemplates: true\nresources:\n- all.yaml\n",
        "all.yaml": all_yaml,
    })
    case("commonannotations-fieldspec-matrix", {
        KUST: "commonAnnotations:\n  owner: matrix\nresources:\n- all.yaml\n",
        "all.yaml": all_yaml,
    })
