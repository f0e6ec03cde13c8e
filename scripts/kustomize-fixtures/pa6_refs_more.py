from _common import KUST, deployment, service, configmap


def define(case, d):
    case("commonlabels-service-without-selector-and-job", {
        KUST: "commonLabels:\n  app: labelled\nresources:\n- all.yaml\n",
        "all.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: external\nspec:\n  type: ExternalName\n  externalName: db.example.com\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: ds\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: busybox\n",
    })
    case("nameprefix-with-dots-and-uppercase", {
        KUST: "namePrefix: Team.A-\nnameSuffix: .v1\nresources:\n- all.yaml\n",
        "all.yaml": deployment("web") + "---\n" + service("web"),
    })
    case("namereference-sibling-generator-resolved-at-top", {
        KUST: "namePrefix: top-\nresources:\n- app\n- config\n",
        "app/kustomization.yaml": "resources:\n- deploy.yaml\n",
        "app/deploy.yaml": deployment("web", extra_container="        envFrom:\n        - configMapRef:\n            name: cfg\n"),
        "config/kustomization.yaml": "configMapGenerator:\n- name: cfg\n  literals:\n  - a=b\n",
    })
    case("namereference-sibling-with-prefix-in-both", {
        KUST: "resources:\n- app\n- config\n",
        "app/kustomization.yaml": "namePrefix: app-\nresources:\n- deploy.yaml\n",
        "app/deploy.yaml": deployment("web", extra_container="        envFrom:\n        - configMapRef:\n            name: cfg\n"),
        "config/kustomization.yaml": "namePrefix: conf-\nconfigMapGenerator:\n- name: cfg\n  literals:\n  - a=b\n",
    })
    case("namereference-same-name-two-namespaces-one-referrer", {
        KUST: "namePrefix: p-\nresources:\n- all.yaml\n",
        "all.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n  namespace: one\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n  namespace: two\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: user\n  namespace: two\nspec:\n  containers:\n  - name: c\n    image: busybox\n    envFrom:\n    - configMapRef:\n        name: shared\n",
    })
    case("namereference-clusterrolebinding-to-prefixed-clusterrole-and-role", {
        KUST: "namePrefix: x-\nresources:\n- rbac.yaml\n",
        "rbac.yaml": "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: bind-clusterrole\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: reader\nsubjects:\n- kind: Group\n  name: readers\n  apiGroup: rbac.authorization.k8s.io\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: bind-external\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\n",
    })
    case("namereference-configmap-in-pod-dnsconfig-untouched-and-volume-items", {
        KUST: "nameSuffix: -s\nresources:\n- pod.yaml\nconfigMapGenerator:\n- name: scripts\n  files:\n  - run.sh\n",
        "run.sh": "#!/bin/sh\necho run\n",
        "pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [/scripts/run.sh]\n    volumeMounts:\n    - name: scripts\n      mountPath: /scripts\n  volumes:\n  - name: scripts\n    configMap:\n      name: scripts\n      defaultMode: 0755\n      items:\n      - key: run.sh\n        path: run.sh\n        mode: 0555\n      optional: false\n",
    })
    case("namereference-storageclass-in-statefulset-claim-templates", {
        KUST: "namePrefix: t-\nresources:\n- all.yaml\n",
        "all.yaml": "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fast\nprovisioner: example.com/fast\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n      - name: db\n        image: postgres\n  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n      storageClassName: fast\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 1Gi\n",
    })
