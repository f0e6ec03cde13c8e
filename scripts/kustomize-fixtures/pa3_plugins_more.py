from _common import KUST, deployment, service, configmap


def define(case, d):
    base_res = {"deploy.yaml": deployment("web", image="nginx:1.25.3"), "svc.yaml": service("web")}
    r = "resources:\n- deploy.yaml\n- svc.yaml\n"
    case("transformers-patchstrategicmergetransformer-inline", {
        **base_res,
        KUST: r + d("""
        transformers:
        - |-
          apiVersion: builtin
          kind: PatchStrategicMergeTransformer
          metadata:
            name: smp
          patches: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 4
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              type: NodePort
        """),
    })
    case("transformers-patchjson6902transformer-from-file", {
        **base_res,
        KUST: r + "transformers:\n- json.yaml\n",
        "json.yaml": "apiVersion: builtin\nkind: PatchJson6902Transformer\nmetadata:\n  name: j\ntarget:\n  group: apps\n  version: v1\n  kind: Deployment\n  name: web\njsonOp: '[{\"op\": \"add\", \"path\": \"/spec/paused\", \"value\": true}]'\n",
    })
    case("error-sortordertransformer-is-not-loadable-as-plugin", {
        **base_res, "cm.yaml": configmap("cfg"),
        KUST: "resources:\n- svc.yaml\n- deploy.yaml\n- cm.yaml\n" + d("""
        transformers:
        - |-
          apiVersion: builtin
          kind: SortOrderTransformer
          metadata:
            name: sort
          sortOptions:
            order: legacy
            legacySortOptions:
              orderFirst:
              - Deployment
              orderLast:
              - Service
        """),
    }, error="SortOrderTransformer")
    case("transformers-labeltransformer-inline-and-annotations-inline", {
        **base_res,
        KUST: r + d("""
        transformers:
        - |-
          apiVersion: builtin
          kind: LabelTransformer
          metadata:
            name: l
          labels:
            inline: "yes"
          fieldSpecs:
          - path: metadata/labels
            create: true
        - |-
          apiVersion: builtin
          kind: AnnotationsTransformer
          metadata:
            name: a
          annotations:
            inline: "yes"
          fieldSpecs:
          - path: metadata/annotations
            create: true
        """),
    })
    case("transformers-imagetag-and-replicas-inline", {
        **base_res,
        KUST: r + d("""
        transformers:
        - |-
          apiVersion: builtin
          kind: ImageTagTransformer
          metadata:
            name: i
          imageTag:
            name: nginx
            digest: sha256:4444444444444444444444444444444444444444444444444444444444444444
        - |-
          apiVersion: builtin
          kind: ReplicaCountTransformer
          metadata:
            name: r
          replica:
            name: web
            count: 6
          fieldSpecs:
          - path: spec/replicas
            create: true
            kind: Deployment
        """),
    })
    case("generators-secretgenerator-inline-with-envs", {
        KUST: d("""
        generators:
        - |-
          apiVersion: builtin
          kind: SecretGenerator
          metadata:
            name: inline-secret
          envs:
          - db.env
          options:
            disableNameSuffixHash: true
        """),
        "db.env": "USER=app\nPASS=s3cret\n",
    })
    case("transformers-prefixsuffix-inline-in-overlay-over-base", {
        "base/kustomization.yaml": "resources:\n- cm.yaml\n",
        "base/cm.yaml": configmap("cfg"),
        "overlay/kustomization.yaml": "resources:\n- ../base\n- pod.yaml\n" + d("""
        transformers:
        - |-
          apiVersion: builtin
          kind: PrefixSuffixTransformer
          metadata:
            name: p
          prefix: inl-
          fieldSpecs:
          - path: metadata/name
        """),
        "overlay/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n    envFrom:\n    - configMapRef:\n        name: cfg\n",
    }, root="overlay")

    # ---------------------------------------------------------------- target selector regex details
    many = "---\n".join([
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: data-eu\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: data-us\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: metadata\n",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: d\n  namespace: data-eu\n",
        "apiVersion: example.com/v1beta1\nkind: ConfigMapLike\nmetadata:\n  name: e\n  namespace: data-eu\n",
    ])
    mark = "  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value:\n        hit: \"yes\"\n"
    for cname, target in [
        ("patches-target-namespace-regex", "    namespace: data-.*\n"),
        ("patches-target-kind-regex-anchored", "    kind: ConfigMap\n"),
        ("patches-target-kind-regex-prefix", "    kind: ConfigMap.*\n"),
        ("patches-target-version-only", "    version: v1beta1\n"),
        ("patches-target-name-character-class", "    name: \"[ab]\"\n"),
    ]:
        case(cname, {"all.yaml": many, KUST: "resources:\n- all.yaml\npatches:\n- target:\n" + target + mark})
