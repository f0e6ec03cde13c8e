from _common import KUST, deployment, service, configmap


def define(case, d):
    mixed = "---\n".join([
        service("web"), deployment("web"), configmap("cfg"),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n",
    ])
    # ---------------------------------------------------------------- sortOptions
    case("sortoptions-legacy-explicit", {
        KUST: "sortOptions:\n  order: legacy\nresources:\n- all.yaml\n",
        "all.yaml": mixed,
    })
    case("sortoptions-fifo", {
        KUST: "sortOptions:\n  order: fifo\nresources:\n- all.yaml\n",
        "all.yaml": mixed,
    })
    case("sortoptions-legacy-custom-order", {
        KUST: d("""
        sortOptions:
          order: legacy
          legacySortOptions:
            orderFirst:
            - Widget
            - Service
            orderLast:
            - Namespace
        resources:
        - all.yaml
        """),
        "all.yaml": mixed,
    })
    case("sortoptions-fifo-overlay-over-legacy-base", {
        "base/kustomization.yaml": "sortOptions:\n  order: legacy\nresources:\n- all.yaml\n",
        "base/all.yaml": mixed,
        "overlay/kustomization.yaml": "sortOptions:\n  order: fifo\nresources:\n- extra.yaml\n- ../base\n",
        "overlay/extra.yaml": configmap("aaa-extra"),
    }, root="overlay")
    case("sortoptions-fifo-with-generators-order", {
        KUST: "sortOptions:\n  order: fifo\nresources:\n- all.yaml\nconfigMapGenerator:\n- name: generated\n  literals:\n  - a=b\n",
        "all.yaml": mixed,
    })
    case("sortoptions-reorder-none-flag-vs-legacy", {
        KUST: "resources:\n- b.yaml\n- a.yaml\nsecretGenerator:\n- name: s\n  literals:\n  - a=b\n",
        "b.yaml": deployment("b"),
        "a.yaml": service("a") + "---\n" + configmap("a"),
    }, flags="--reorder none")

    # ---------------------------------------------------------------- buildMetadata
    case("buildmetadata-originannotations", {
        KUST: "buildMetadata:\n- originAnnotations\nresources:\n- cm.yaml\n- sub\nconfigMapGenerator:\n- name: gen\n  literals:\n  - a=b\n",
        "cm.yaml": configmap("local"),
        "sub/kustomization.yaml": "resources:\n- deploy.yaml\n",
        "sub/deploy.yaml": deployment(),
    })
    case("buildmetadata-transformerannotations", {
        KUST: "buildMetadata:\n- transformerAnnotations\nnamePrefix: p-\ncommonLabels:\n  a: b\nresources:\n- cm.yaml\n",
        "cm.yaml": configmap("local"),
    })
    case("buildmetadata-managedbylabel", {
        KUST: "buildMetadata:\n- managedByLabel\nresources:\n- cm.yaml\n",
        "cm.yaml": configmap("local"),
    })
    case("buildmetadata-all-three-with-patch", {
        KUST: "buildMetadata:\n- originAnnotations\n- transformerAnnotations\n- managedByLabel\nresources:\n- deploy.yaml\npatches:\n- path: p.yaml\n",
        "deploy.yaml": deployment(),
        "p.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n",
    })

    # ---------------------------------------------------------------- openapi
    schema = d("""
    {
      "definitions": {
        "v1alpha1.MyCRD": {
          "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": {
              "properties": {
                "template": {"$ref": "#/definitions/io.k8s.api.core.v1.PodTemplateSpec"},
                "workers": {
                  "type": "array",
                  "items": {"$ref": "#/definitions/v1alpha1.Worker"},
                  "x-kubernetes-patch-merge-key": "name",
                  "x-kubernetes-patch-strategy": "merge"
                }
              },
              "type": "object"
            }
          },
          "type": "object",
          "x-kubernetes-group-version-kind": [
            {"group": "example.com", "kind": "MyCRD", "version": "v1alpha1"}
          ]
        },
        "v1alpha1.Worker": {
          "properties": {
            "name": {"type": "string"},
            "size": {"type": "integer"}
          },
          "type": "object"
        },
        "io.k8s.api.core.v1.PodTemplateSpec": {
          "properties": {
            "metadata": {"type": "object"},
            "spec": {"$ref": "#/definitions/io.k8s.api.core.v1.PodSpec"}
          },
          "type": "object"
        },
        "io.k8s.api.core.v1.PodSpec": {
          "properties": {
            "containers": {
              "items": {"$ref": "#/definitions/io.k8s.api.core.v1.Container"},
              "type": "array",
              "x-kubernetes-patch-merge-key": "name",
              "x-kubernetes-patch-strategy": "merge"
            }
          },
          "type": "object"
        },
        "io.k8s.api.core.v1.Container": {
          "properties": {
            "image": {"type": "string"},
            "name": {"type": "string"}
          },
          "type": "object"
        }
      }
    }
    """)
    cr = d("""
    apiVersion: example.com/v1alpha1
    kind: MyCRD
    metadata:
      name: service
    spec:
      workers:
      - name: small
        size: 1
      - name: large
        size: 10
      template:
        spec:
          containers:
          - name: server
            image: server
          - name: helper
            image: helper
    """)
    smp = d("""
    patches:
    - patch: |-
        apiVersion: example.com/v1alpha1
        kind: MyCRD
        metadata:
          name: service
        spec:
          workers:
          - name: large
            size: 20
          template:
            spec:
              containers:
              - name: server
                image: server:v2
    """)
    case("openapi-custom-schema-merge-keys", {
        KUST: "openapi:\n  path: schema.json\nresources:\n- cr.yaml\n" + smp,
        "schema.json": schema, "cr.yaml": cr,
    })
    case("openapi-without-schema-lists-replaced", {
        KUST: "resources:\n- cr.yaml\n" + smp,
        "cr.yaml": cr,
    })
    case("openapi-version-field", {
        KUST: "openapi:\n  version: v1.21.2\nresources:\n- deploy.yaml\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n    spec:\n      template:\n        spec:\n          containers:\n          - name: extra\n            image: busybox\n",
        "deploy.yaml": deployment(),
    })

    # ---------------------------------------------------------------- configurations
    case("configurations-namereference-custom-resource", {
        KUST: "namePrefix: p-\nconfigurations:\n- nameref.yaml\nresources:\n- cr.yaml\nconfigMapGenerator:\n- name: settings\n  literals:\n  - a=b\nsecretGenerator:\n- name: creds\n  literals:\n  - u=p\n",
        "nameref.yaml": d("""
        nameReference:
        - kind: ConfigMap
          version: v1
          fieldSpecs:
          - path: spec/configRef
            kind: Pipeline
          - path: spec/steps/configMap
            kind: Pipeline
        - kind: Secret
          version: v1
          fieldSpecs:
          - path: spec/credentials/secretName
            kind: Pipeline
        """),
        "cr.yaml": "apiVersion: ci.example.com/v1\nkind: Pipeline\nmetadata:\n  name: build\nspec:\n  configRef: settings\n  credentials:\n    secretName: creds\n  steps:\n  - name: one\n    configMap: settings\n  - name: two\n    configMap: settings\n",
    })
    case("configurations-commonlabels-custom-fieldspec", {
        KUST: "commonLabels:\n  team: data\nconfigurations:\n- labels.yaml\nresources:\n- cr.yaml\n",
        "labels.yaml": "commonLabels:\n- path: spec/selector/matchLabels\n  kind: Pipeline\n  create: true\n- path: spec/podTemplate/metadata/labels\n  kind: Pipeline\n  create: false\n",
        "cr.yaml": "apiVersion: ci.example.com/v1\nkind: Pipeline\nmetadata:\n  name: build\nspec:\n  podTemplate:\n    metadata:\n      labels:\n        existing: \"yes\"\n",
    })
    case("configurations-nameprefix-and-namespace-fieldspecs", {
        KUST: "namePrefix: p-\nnamespace: ns\nconfigurations:\n- cfg.yaml\nresources:\n- cr.yaml\n",
        "cfg.yaml": "namespace:\n- path: spec/targetNamespace\n  kind: Pipeline\n  create: true\nnamePrefix:\n- path: metadata/name\n  kind: Pipeline\n",
        "cr.yaml": "apiVersion: ci.example.com/v1\nkind: Pipeline\nmetadata:\n  name: build\nspec:\n  steps: []\n",
    })
    case("configurations-commonannotations-fieldspec", {
        KUST: "commonAnnotations:\n  note: hi\nconfigurations:\n- ann.yaml\nresources:\n- cr.yaml\n",
        "ann.yaml": "commonAnnotations:\n- path: spec/template/metadata/annotations\n  kind: Pipeline\n  create: true\n",
        "cr.yaml": "apiVersion: ci.example.com/v1\nkind: Pipeline\nmetadata:\n  name: build\nspec:\n  template: {}\n",
    })

    # ---------------------------------------------------------------- builtin plugins via transformers/generators/validators
    base_res = {"deploy.yaml": deployment("web", image="nginx:1.25.3"), "svc.yaml": service("web")}
    r = "resources:\n- deploy.yaml\n- svc.yaml\n"
    case("transformers-patchtransformer-inline", {
        **base_res,
        KUST: r + d("""
        transformers:
        - |-
          apiVersion: builtin
          kind: PatchTransformer
          metadata:
            name: add-replicas
          patch: '[{"op": "replace", "path": "/spec/replicas", "value": 3}]'
          target:
            kind: Deployment
        """),
    })
    case("transformers-prefixsuffix-from-file", {
        **base_res,
        KUST: r + "transformers:\n- prefix.yaml\n",
        "prefix.yaml": "apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata:\n  name: pfx\nprefix: baz-\nsuffix: -qux\nfieldSpecs:\n- path: metadata/name\n",
    })
    case("transformers-prefixsuffix-limited-kinds", {
        **base_res,
        KUST: r + "transformers:\n- prefix.yaml\n",
        "prefix.yaml": "apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata:\n  name: pfx\nprefix: only-svc-\nfieldSpecs:\n- kind: Service\n  path: metadata/name\n",
    })
    case("transformers-labeltransformer", {
        **base_res,
        KUST: r + "transformers:\n- labels.yaml\n",
        "labels.yaml": "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: lbl\nlabels:\n  env: prod\nfieldSpecs:\n- path: metadata/labels\n  create: true\n- path: spec/selector\n  create: true\n  version: v1\n  kind: Service\n",
    })
    case("transformers-annotationstransformer", {
        **base_res,
        KUST: r + "transformers:\n- ann.yaml\n",
        "ann.yaml": "apiVersion: builtin\nkind: AnnotationsTransformer\nmetadata:\n  name: ann\nannotations:\n  team: core\n  on-call: \"true\"\nfieldSpecs:\n- path: metadata/annotations\n  create: true\n",
    })
    case("transformers-imagetagtransformer", {
        **base_res,
        KUST: r + "transformers:\n- image.yaml\n",
        "image.yaml": "apiVersion: builtin\nkind: ImageTagTransformer\nmetadata:\n  name: img\nimageTag:\n  name: nginx\n  newName: mirror.example.com/nginx\n  newTag: \"1.27\"\n",
    })
    case("transformers-namespacetransformer", {
        **base_res,
        KUST: r + "transformers:\n- ns.yaml\n",
        "ns.yaml": "apiVersion: builtin\nkind: NamespaceTransformer\nmetadata:\n  name: ns\n  namespace: plugin-ns\nfieldSpecs:\n- path: metadata/namespace\n  create: true\n",
    })
    case("transformers-namespacetransformer-unsetonly", {
        "cms.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: keep\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
        KUST: "resources:\n- cms.yaml\ntransformers:\n- ns.yaml\n",
        "ns.yaml": "apiVersion: builtin\nkind: NamespaceTransformer\nmetadata:\n  name: ns\n  namespace: filled\nunsetOnly: true\nfieldSpecs:\n- path: metadata/namespace\n  create: true\n",
    })
    case("transformers-replicacounttransformer", {
        **base_res,
        KUST: r + "transformers:\n- replicas.yaml\n",
        "replicas.yaml": "apiVersion: builtin\nkind: ReplicaCountTransformer\nmetadata:\n  name: rc\nreplica:\n  name: web\n  count: 8\nfieldSpecs:\n- path: spec/replicas\n  create: true\n  kind: Deployment\n",
    })
    case("transformers-replacementtransformer", {
        **base_res,
        KUST: r + "transformers:\n- repl.yaml\n",
        "repl.yaml": d("""
        apiVersion: builtin
        kind: ReplacementTransformer
        metadata:
          name: repl
        replacements:
        - source:
            kind: Deployment
            fieldPath: spec.template.spec.containers.0.image
          targets:
          - select:
              kind: Service
            fieldPaths:
            - metadata.annotations.image
            options:
              create: true
        """),
    })
    case("transformers-order-as-listed", {
        **base_res,
        KUST: r + "transformers:\n- suffix.yaml\n- prefix.yaml\n- labels.yaml\n",
        "prefix.yaml": "apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata:\n  name: pfx\nprefix: first-\nfieldSpecs:\n- path: metadata/name\n",
        "suffix.yaml": "apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata:\n  name: sfx\nsuffix: -second\nfieldSpecs:\n- path: metadata/name\n",
        "labels.yaml": "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: lbl\nlabels:\n  order: third\nfieldSpecs:\n- path: metadata/labels\n  create: true\n",
    })
    case("transformers-multi-doc-file-and-directory", {
        **base_res,
        KUST: r + "transformers:\n- t.yaml\n- more\n",
        "t.yaml": "apiVersion: builtin\nkind: AnnotationsTransformer\nmetadata:\n  name: a1\nannotations:\n  one: \"1\"\nfieldSpecs:\n- path: metadata/annotations\n  create: true\n---\napiVersion: builtin\nkind: AnnotationsTransformer\nmetadata:\n  name: a2\nannotations:\n  two: \"2\"\nfieldSpecs:\n- path: metadata/annotations\n  create: true\n",
        "more/kustomization.yaml": "resources:\n- ann.yaml\n",
        "more/ann.yaml": "apiVersion: builtin\nkind: AnnotationsTransformer\nmetadata:\n  name: a3\nannotations:\n  three: \"3\"\nfieldSpecs:\n- path: metadata/annotations\n  create: true\n",
    })
    case("transformers-with-kustomization-fields-order", {
        **base_res,
        KUST: r + "namePrefix: field-\ntransformers:\n- prefix.yaml\n",
        "prefix.yaml": "apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata:\n  name: pfx\nprefix: plugin-\nfieldSpecs:\n- path: metadata/name\n",
    })
    case("transformers-hashtransformer", {
        "cm.yaml": configmap("plain"),
        KUST: "resources:\n- cm.yaml\ntransformers:\n- hash.yaml\n",
        "hash.yaml": "apiVersion: builtin\nkind: HashTransformer\nmetadata:\n  name: hash\n",
    })
    case("generators-configmapgenerator-inline", {
        KUST: d("""
        generators:
        - |-
          apiVersion: builtin
          kind: ConfigMapGenerator
          metadata:
            name: inline-cm
          literals:
          - color=blue
          - size=large
        """),
    })
    case("generators-secretgenerator-from-file", {
        KUST: "generators:\n- secret-gen.yaml\n",
        "secret-gen.yaml": "apiVersion: builtin\nkind: SecretGenerator\nmetadata:\n  name: gen-secret\n  namespace: vault\nbehavior: create\nliterals:\n- token=abc\nfiles:\n- cert.pem\ntype: Opaque\n",
        "cert.pem": "-----BEGIN CERTIFICATE-----\nxyz\n-----END CERTIFICATE-----\n",
    })
    case("generators-configmap-with-options-and-reference", {
        "pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n    envFrom:\n    - configMapRef:\n        name: plugin-cm\n",
        KUST: "namePrefix: x-\nresources:\n- pod.yaml\ngenerators:\n- gen.yaml\n",
        "gen.yaml": "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: plugin-cm\nliterals:\n- a=b\noptions:\n  labels:\n    from: plugin\n",
    })
    case("generators-and-transformers-builtin-together", {
        KUST: "generators:\n- gen.yaml\ntransformers:\n- lbl.yaml\n",
        "gen.yaml": "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: g\nliterals:\n- a=b\n",
        "lbl.yaml": "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: l\nlabels:\n  via: transformer\nfieldSpecs:\n- path: metadata/labels\n  create: true\n",
    })
    case("validators-builtin-that-does-not-modify", {
        **base_res,
        KUST: r + "validators:\n- ann.yaml\n",
        "ann.yaml": "apiVersion: builtin\nkind: AnnotationsTransformer\nmetadata:\n  name: noop\nannotations: {}\nfieldSpecs:\n- path: metadata/annotations\n",
    })
