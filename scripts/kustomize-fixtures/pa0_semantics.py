from _common import KUST, deployment, service, configmap


def define(case, d):
    # ---------------------------------------------------------------- image name matching
    case("images-name-matching-is-exact-on-repository", {
        KUST: "images:\n- name: nginx\n  newTag: MATCHED\nresources:\n- all.yaml\n",
        "all.yaml": "---\n".join([
            deployment("a", image="nginx"),
            deployment("b", image="nginx:1.0"),
            deployment("c", image="docker.io/library/nginx:1.0"),
            deployment("d", image="library/nginx:1.0"),
            deployment("e", image="nginx-exporter:1.0"),
            deployment("f", image="my.registry/nginx:1.0"),
            deployment("g", image="nginx@sha256:3333333333333333333333333333333333333333333333333333333333333333"),
        ]),
    })
    case("images-name-with-tag-in-images-entry", {
        KUST: "images:\n- name: nginx:1.0\n  newTag: \"2.0\"\n- name: redis\n  newName: redis:7\nresources:\n- all.yaml\n",
        "all.yaml": deployment("a", image="nginx:1.0") + "---\n" + deployment("b", image="redis:6"),
    })
    case("images-entries-apply-in-sequence", {
        KUST: "images:\n- name: app\n  newName: app-v2\n- name: app-v2\n  newTag: should-not-apply-twice\nresources:\n- all.yaml\n",
        "all.yaml": deployment("a", image="app:1") + "---\n" + deployment("b", image="app-v2:1"),
    })
    case("replicas-zero", {
        KUST: "replicas:\n- name: web\n  count: 0\nresources:\n- deploy.yaml\n",
        "deploy.yaml": deployment("web", replicas=2),
    })
    case("error-replicas-target-not-found", {
        KUST: "replicas:\n- name: web\n  count: 0\n- name: not-there\n  count: 3\nresources:\n- deploy.yaml\n",
        "deploy.yaml": deployment("web", replicas=2),
    }, error="not-there")

    # ---------------------------------------------------------------- hashes
    case("generator-hash-inputs-labels-annotations-type", {
        KUST: d("""
        configMapGenerator:
        - name: plain
          literals:
          - k=v
        - name: with-labels
          literals:
          - k=v
          options:
            labels:
              a: b
        - name: with-annotations
          literals:
          - k=v
          options:
            annotations:
              a: b
        - name: immutable
          literals:
          - k=v
          options:
            immutable: true
        secretGenerator:
        - name: plain-secret
          literals:
          - k=v
        - name: typed-secret
          type: kubernetes.io/basic-auth
          literals:
          - k=v
        """),
    })
    case("generator-hash-binarydata-and-data", {
        KUST: "configMapGenerator:\n- name: mixed\n  files:\n  - blob.bin\n  - text.txt\n- name: text-only\n  files:\n  - text.txt\n",
        "blob.bin": bytes(range(0, 256, 7)),
        "text.txt": "hello\n",
    })
    case("generator-merge-keeps-and-merges-options", {
        "base/kustomization.yaml": "configMapGenerator:\n- name: cfg\n  literals:\n  - a=1\n  options:\n    labels:\n      from: base\n    annotations:\n      note: base\n",
        KUST: "resources:\n- base\nconfigMapGenerator:\n- name: cfg\n  behavior: merge\n  literals:\n  - b=2\n  options:\n    labels:\n      extra: overlay\n    annotations:\n      note: overlay\n",
    })
    case("generator-replace-drops-base-options", {
        "base/kustomization.yaml": "configMapGenerator:\n- name: cfg\n  literals:\n  - a=1\n  options:\n    labels:\n      from: base\n",
        KUST: "resources:\n- base\nconfigMapGenerator:\n- name: cfg\n  behavior: replace\n  literals:\n  - b=2\n",
    })
    case("generator-merge-with-disabled-hash-in-base", {
        "base/kustomization.yaml": "configMapGenerator:\n- name: cfg\n  literals:\n  - a=1\n  options:\n    disableNameSuffixHash: true\n",
        KUST: "resources:\n- base\nconfigMapGenerator:\n- name: cfg\n  behavior: merge\n  literals:\n  - b=2\n",
    })
    case("generator-merge-into-plain-configmap-resource", {
        "base/kustomization.yaml": "resources:\n- cm.yaml\n",
        "base/cm.yaml": configmap("plain", {"a": '"1"'}),
        KUST: "resources:\n- base\nconfigMapGenerator:\n- name: plain\n  behavior: merge\n  literals:\n  - b=2\n",
    })

    # ---------------------------------------------------------------- legacy order details
    many = []
    for ns, name in [("zeta", "b"), ("", "z"), ("alpha", "b"), ("alpha", "a"), ("", "a"), ("mid", "m")]:
        meta = f"  name: {name}\n" + (f"  namespace: {ns}\n" if ns else "")
        many.append(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n{meta}")
    many += [
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n",
        "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: i\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d2\n",
        "apiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: d1\n",
        "apiVersion: zeta.example.com/v1\nkind: Alpha\nmetadata:\n  name: x\n",
        "apiVersion: alpha.example.com/v1\nkind: Alpha\nmetadata:\n  name: x\n",
        "apiVersion: example.com/v1\nkind: Zebra\nmetadata:\n  name: x\n",
        "apiVersion: example.com/v2\nkind: Aardvark\nmetadata:\n  name: x\n",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: zz\n",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: aa\n",
        "apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata:\n  name: m\n",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: b\n",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: a\n",
    ]
    case("sortoptions-legacy-ties-by-group-version-name-namespace", {
        KUST: "resources:\n- all.yaml\n",
        "all.yaml": "---\n".join(many),
    })
    case("sortoptions-legacy-custom-order-with-ties", {
        KUST: "sortOptions:\n  order: legacy\n  legacySortOptions:\n    orderFirst:\n    - Alpha\n    - ConfigMap\n    orderLast:\n    - Namespace\nresources:\n- all.yaml\n",
        "all.yaml": "---\n".join(many),
    })

    # ---------------------------------------------------------------- namespace edge cases
    case("namespace-empty-string-and-default", {
        KUST: "namespace: filled\nresources:\n- all.yaml\n",
        "all.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: empty-ns\n  namespace: \"\"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: default-ns\n  namespace: default\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: no-ns\n",
    })
    case("namespace-and-prefix-on-serviceaccount-subject-in-clusterrolebinding", {
        KUST: "namespace: apps\nnamePrefix: team-\nresources:\n- rbac.yaml\n",
        "rbac.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: runner\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: runner\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: edit\nsubjects:\n- kind: ServiceAccount\n  name: runner\n  namespace: default\n- kind: ServiceAccount\n  name: runner\n",
    })
    case("nameprefix-already-prefixed-name", {
        KUST: "namePrefix: dev-\nresources:\n- cm.yaml\n",
        "cm.yaml": configmap("dev-settings"),
    })
    case("namereference-env-fieldref-and-resourcefieldref-untouched", {
        KUST: "namePrefix: p-\nresources:\n- pod.yaml\n",
        "pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n    env:\n    - name: POD_NAME\n      valueFrom:\n        fieldRef:\n          fieldPath: metadata.name\n    - name: CPU\n      valueFrom:\n        resourceFieldRef:\n          containerName: c\n          resource: limits.cpu\n",
    })
