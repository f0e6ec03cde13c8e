from _common import KUST, deployment, service, configmap


def define(case, d):
    schema = d("""
    {
      "github.com/example/zoo/v1.Keeper": {
        "Schema": {
          "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"$ref": "k8s.io/apimachinery/pkg/apis/meta/v1.ObjectMeta"},
            "spec": {"$ref": "github.com/example/zoo/v1.KeeperSpec"}
          }
        },
        "Dependencies": ["github.com/example/zoo/v1.KeeperSpec"]
      },
      "github.com/example/zoo/v1.KeeperSpec": {
        "Schema": {
          "properties": {
            "animalRef": {
              "x-kubernetes-object-ref-api-version": "v1",
              "x-kubernetes-object-ref-kind": "Animal",
              "$ref": "github.com/example/zoo/v1.Ref"
            },
            "badgeRef": {
              "x-kubernetes-object-ref-api-version": "v1",
              "x-kubernetes-object-ref-kind": "Secret",
              "$ref": "github.com/example/zoo/v1.Ref"
            }
          }
        },
        "Dependencies": ["github.com/example/zoo/v1.Ref"]
      },
      "github.com/example/zoo/v1.Ref": {
        "Schema": {"properties": {"name": {"type": "string"}}},
        "Dependencies": []
      }
    }
    """)
    base = {
        "base/kustomization.yaml": "crds:\n- zoo-crd.json\nnamePrefix: x-\nresources:\n- all.yaml\n",
        "base/zoo-crd.json": schema,
        "base/all.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: badge\ndata:\n  id: MTIz\n---\napiVersion: zoo.example.com/v1\nkind: Keeper\nmetadata:\n  name: keeper\nspec:\n  animalRef:\n    name: lion\n  badgeRef:\n    name: badge\n---\napiVersion: v1\nkind: Animal\nmetadata:\n  name: lion\nspec:\n  action: roar\n",
    }
    case("crds-field-custom-kind-reference", dict(base), root="base")
    case("crds-field-with-overlay-patch-and-prefix", {
        **base,
        "overlay/kustomization.yaml": "namePrefix: prod-\nresources:\n- ../base\npatchesStrategicMerge:\n- lion.yaml\n",
        "overlay/lion.yaml": "apiVersion: v1\nkind: Animal\nmetadata:\n  name: lion\nspec:\n  action: sleep\n",
    }, root="overlay")
    case("images-crd-schema-with-containers-key-untouched", {
        KUST: "resources:\n- crd.yaml\nimages:\n- name: test/test\n  newName: registry.example.com/test\n  newTag: latest\n",
        "crd.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: crontabs.stable.example.com\nspec:\n  group: stable.example.com\n  scope: Namespaced\n  names:\n    plural: crontabs\n    singular: crontab\n    kind: CronTab\n    shortNames:\n    - ct\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          spec:\n            type: object\n            properties:\n              containers:\n                description: Containers allows injecting additional containers\n                type: array\n",
    })
    case("error-validator-rewrites-identical-label", {
        KUST: "resources:\n- cm.yaml\nvalidators:\n- v.yaml\n",
        "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    env: prod\n",
        "v.yaml": "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: check\nlabels:\n  env: prod\nfieldSpecs:\n- path: metadata/labels\n  create: true\n",
    }, error="validators")
    case("openapi-custom-schema-delete-by-merge-key-and-prefix", {
        KUST: "namePrefix: p-\nopenapi:\n  path: schema.json\nresources:\n- cr.yaml\npatches:\n- patch: |-\n    apiVersion: example.com/v1alpha1\n    kind: MyCRD\n    metadata:\n      name: service\n    spec:\n      workers:\n      - name: small\n        $patch: delete\n      - name: medium\n        size: 5\n",
        "cr.yaml": "apiVersion: example.com/v1alpha1\nkind: MyCRD\nmetadata:\n  name: service\nspec:\n  workers:\n  - name: small\n    size: 1\n  - name: large\n    size: 10\n",
        "schema.json": '{\n  "definitions": {\n    "v1alpha1.MyCRD": {\n      "properties": {\n        "apiVersion": {"type": "string"},\n        "kind": {"type": "string"},\n        "metadata": {"type": "object"},\n        "spec": {\n          "properties": {\n            "workers": {\n              "type": "array",\n              "items": {"$ref": "#/definitions/v1alpha1.Worker"},\n              "x-kubernetes-patch-merge-key": "name",\n              "x-kubernetes-patch-strategy": "merge"\n            }\n          },\n          "type": "object"\n        }\n      },\n      "type": "object",\n      "x-kubernetes-group-version-kind": [{"group": "example.com", "kind": "MyCRD", "version": "v1alpha1"}]\n    },\n    "v1alpha1.Worker": {\n      "properties": {"name": {"type": "string"}, "size": {"type": "integer"}},\n      "type": "object"\n    }\n  }\n}\n',
    })
    case("openapi-schema-yaml-format", {
        KUST: "openapi:\n  path: schema.yaml\nresources:\n- cr.yaml\npatches:\n- patch: |-\n    apiVersion: example.com/v1\n    kind: Box\n    metadata:\n      name: b\n    spec:\n      items:\n      - id: two\n        v: 20\n",
        "cr.yaml": "apiVersion: example.com/v1\nkind: Box\nmetadata:\n  name: b\nspec:\n  items:\n  - id: one\n    v: 1\n  - id: two\n    v: 2\n",
        "schema.yaml": d("""
        definitions:
          v1.Box:
            type: object
            x-kubernetes-group-version-kind:
            - group: example.com
              kind: Box
              version: v1
            properties:
              apiVersion:
                type: string
              kind:
                type: string
              metadata:
                type: object
              spec:
                type: object
                properties:
                  items:
                    type: array
                    x-kubernetes-patch-merge-key: id
                    x-kubernetes-patch-strategy: merge
                    items:
                      type: object
                      properties:
                        id:
                          type: string
                        v:
                          type: integer
        """),
    })
    case("labels-templates-without-selectors-statefulset", {
        KUST: "labels:\n- pairs:\n    track: stable\n  includeTemplates: true\n  includeSelectors: false\nresources:\n- all.yaml\n",
        "all.yaml": "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n      - name: db\n        image: postgres\n  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 1Gi\n---\n" + service("db"),
    })
    case("labels-and-commonlabels-together", {
        KUST: "commonLabels:\n  common: \"yes\"\nlabels:\n- pairs:\n    plain: \"yes\"\nresources:\n- all.yaml\n",
        "all.yaml": deployment() + "---\n" + service(),
    })
    case("patchesjson6902-move-and-copy-across-paths", {
        KUST: "resources:\n- deploy.yaml\npatchesJson6902:\n- target:\n    group: apps\n    version: v1\n    kind: Deployment\n    name: web\n  path: ops.yaml\n",
        "deploy.yaml": deployment("web").replace("  labels:\n    app: web\n", "  labels:\n    app: web\n  annotations:\n    old-key: moved-value\n", 1),
        "ops.yaml": "- op: move\n  from: /metadata/annotations/old-key\n  path: /metadata/annotations/new-key\n- op: copy\n  from: /spec/template/spec/containers/0/image\n  path: /metadata/annotations/image\n",
    })
    case("namesuffix-with-generators-and-references", {
        KUST: "nameSuffix: -canary\nresources:\n- deploy.yaml\nconfigMapGenerator:\n- name: cfg\n  literals:\n  - a=b\nsecretGenerator:\n- name: sec\n  literals:\n  - c=d\n",
        "deploy.yaml": deployment("web", extra_container="        envFrom:\n        - configMapRef:\n            name: cfg\n        - secretRef:\n            name: sec\n"),
    })
