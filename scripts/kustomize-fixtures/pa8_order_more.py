from _common import KUST, deployment, service, configmap


def define(case, d):
    layout = {
        "base/kustomization.yaml": "sortOptions:\n  order: fifo\nresources:\n- svc.yaml\n- deploy.yaml\nconfigMapGenerator:\n- name: base-gen\n  literals:\n  - a=b\n",
        "base/svc.yaml": service("zz-svc"),
        "base/deploy.yaml": deployment("aa-deploy"),
        "comp/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- comp-cm.yaml\nsecretGenerator:\n- name: comp-secret\n  literals:\n  - k=v\n",
        "comp/comp-cm.yaml": configmap("comp-cm"),
    }
    case("sortoptions-base-fifo-overlay-default-legacy", {
        **layout,
        KUST: "resources:\n- extra.yaml\n- base\ncomponents:\n- comp\nconfigMapGenerator:\n- name: top-gen\n  literals:\n  - x=y\n",
        "extra.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: zz-ns\n",
    })
    case("sortoptions-fifo-order-of-resources-generators-components", {
        **layout,
        KUST: "sortOptions:\n  order: fifo\nresources:\n- extra.yaml\n- base\ncomponents:\n- comp\nconfigMapGenerator:\n- name: top-gen\n  literals:\n  - x=y\n",
        "extra.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: zz-ns\n",
    })
    case("sortoptions-reorder-none-flag-order-of-everything", {
        **layout,
        KUST: "resources:\n- extra.yaml\n- base\ncomponents:\n- comp\nconfigMapGenerator:\n- name: top-gen\n  literals:\n  - x=y\n",
        "extra.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: zz-ns\n",
    }, flags="--reorder none")
    case("sortoptions-fifo-merge-keeps-position", {
        "base/kustomization.yaml": "resources:\n- a.yaml\nconfigMapGenerator:\n- name: merged\n  literals:\n  - a=1\n",
        "base/a.yaml": service("first"),
        KUST: "sortOptions:\n  order: fifo\nresources:\n- base\n- z.yaml\nconfigMapGenerator:\n- name: merged\n  behavior: merge\n  literals:\n  - b=2\n",
        "z.yaml": service("last"),
    })
    case("sortoptions-fifo-patch-delete-and-replace-positions", {
        KUST: "sortOptions:\n  order: fifo\nresources:\n- all.yaml\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: Service\n    metadata:\n      name: b\n    $patch: delete\n",
        "all.yaml": service("a") + "---\n" + service("b") + "---\n" + service("c"),
    })
