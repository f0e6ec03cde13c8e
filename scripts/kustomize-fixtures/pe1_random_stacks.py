"""Seeded random overlay stacks mixing transformers across layers (deterministic)."""
import random

from _common import KUST, deployment, service, configmap, DEPLOY_WITH_REFS, REFERENCED

POOL = {
    "deploy.yaml": deployment("web", image="nginx:1.25.3", extra_container="        envFrom:\n        - configMapRef:\n            name: settings\n"),
    "svc.yaml": service("web"),
    "refs.yaml": DEPLOY_WITH_REFS + "---\n" + REFERENCED,
    "sts.yaml": "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: web\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n      - name: db\n        image: postgres:16\n        envFrom:\n        - secretRef:\n            name: creds\n",
    "cron.yaml": "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: \"0 1 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: job\n            image: busybox:1.36\n            envFrom:\n            - configMapRef:\n                name: settings\n",
    "ingress.yaml": "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n  - host: web.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: web\n            port:\n              number: 80\n",
}


def layer_body(rng, depth, has_settings, has_web):
    out = []
    if rng.random() < 0.6:
        out.append(f"namePrefix: l{depth}-\n")
    if rng.random() < 0.3:
        out.append(f"nameSuffix: -s{depth}\n")
    if rng.random() < 0.4:
        out.append(f"namespace: ns-{depth}\n")
    if rng.random() < 0.4:
        out.append(f"labels:\n- pairs:\n    layer{depth}: \"{depth}\"\n  includeSelectors: {str(rng.random() < 0.5).lower()}\n")
    if rng.random() < 0.3:
        out.append(f"commonAnnotations:\n  layer{depth}: \"yes\"\n")
    if rng.random() < 0.4:
        out.append(f"images:\n- name: {rng.choice(['nginx', 'postgres', 'busybox', 'example.com/api'])}\n  newTag: d{depth}\n")
    if rng.random() < 0.3:
        out.append(f"replicas:\n- name: web\n  count: {depth + 1}\n" if rng.random() < 0.5 and has_web else "")
    if has_settings and rng.random() < 0.5:
        out.append(f"configMapGenerator:\n- name: settings\n  behavior: merge\n  literals:\n  - LAYER={depth}\n")
    if rng.random() < 0.4:
        out.append(f"patches:\n- target:\n    kind: {rng.choice(['Deployment', 'Service', 'ConfigMap', 'StatefulSet'])}\n  patch: |-\n    - op: add\n      path: /metadata/annotations/patched-l{depth}\n      value: \"true\"\n")
    return "".join(out)


def define(case, d):
    rng = random.Random(424242)
    for n in range(12):
        files = {}
        picks = rng.sample(sorted(POOL), rng.randint(2, 4))
        if "refs.yaml" in picks and "deploy.yaml" not in picks and rng.random() < 0.5:
            picks.append("deploy.yaml")
        for p in picks:
            files[f"base/{p}"] = POOL[p]
        base = "resources:\n" + "".join(f"- {p}\n" for p in picks)
        base += "configMapGenerator:\n- name: settings\n  literals:\n  - LAYER=base\nsecretGenerator:\n- name: creds\n  literals:\n  - password=base\n"
        base += "patches:\n- target:\n    kind: Deployment\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value:\n        base: \"true\"\n" if any(p in picks for p in ("deploy.yaml", "refs.yaml")) else ""
        files["base/kustomization.yaml"] = base
        prev = "base"
        depth = rng.randint(1, 3)
        for lvl in range(1, depth + 1):
            body = layer_body(rng, lvl, True, "deploy.yaml" in picks)
            files[f"l{lvl}/kustomization.yaml"] = f"resources:\n- ../{prev}\n" + body
            prev = f"l{lvl}"
        case(f"interaction-random-stack-{n:02d}", files, root=prev)
