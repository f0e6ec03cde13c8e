from _common import KUST


def define(case, d):
    dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: a\n        env:\n        - name: X\n          value: \"1\"\n"
    p1 = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: from-p1\n"
    p2 = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: from-p2\n        env:\n        - name: X\n          $patch: delete\n"
    case("patchesstrategicmerge-conflicting-patches-last-wins-and-empty-list", {
        "d.yaml": dep, "p1.yaml": p1, "p2.yaml": p2,
        KUST: "resources:\n- d.yaml\npatchesStrategicMerge:\n- p1.yaml\n- p2.yaml\n",
    })
    case("patchesstrategicmerge-delete-last-volume-leaves-empty-list", {
        "d.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: a\n        volumeMounts:\n        - name: v\n          mountPath: /v\n      volumes:\n      - name: v\n        emptyDir: {}\n",
        "p.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        volumeMounts:\n        - mountPath: /v\n          $patch: delete\n      volumes:\n      - name: v\n        $patch: delete\n",
        KUST: "resources:\n- d.yaml\npatchesStrategicMerge:\n- p.yaml\n",
    })
    case("patches-mixed-smp-and-json6902-on-same-resource", {
        "d.yaml": dep,
        KUST: "resources:\n- d.yaml\npatches:\n- path: p1.yaml\n- target:\n    kind: Deployment\n    name: d\n  patch: |-\n    - op: replace\n      path: /spec/template/spec/containers/0/image\n      value: from-json\n- path: p2.yaml\n",
        "p1.yaml": p1, "p2.yaml": p2,
    })
    case("patches-smp-patch-adds-new-map-under-missing-parent", {
        "d.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: a\n",
        KUST: "resources:\n- d.yaml\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: d\n      annotations:\n        new: map\n    spec:\n      strategy:\n        rollingUpdate:\n          maxSurge: 25%\n      template:\n        metadata:\n          labels:\n            added: later\n        spec:\n          securityContext:\n            runAsUser: 1000\n",
    })
