import json, yaml

def dep(labels=None, replicas=None, sel=None, tlabels=None, containers=None, name="my-deployment", api="apps/v1"):
    d = {"apiVersion": api, "kind": "Deployment", "metadata": {"name": name}}
    if labels is not None:
        d["metadata"]["labels"] = labels
    spec = {}
    if replicas is not None:
        spec["replicas"] = replicas
    if sel is not None:
        spec["selector"] = {"matchLabels": sel}
    if tlabels is not None or containers is not None:
        spec["template"] = {}
        if tlabels is not None:
            spec["template"]["metadata"] = {"labels": tlabels}
        if containers is not None:
            spec["template"]["spec"] = {"containers": [{"name": n, "image": i} for n, i in containers]}
    d["spec"] = spec
    return d

def case(manager, original, applied, last=None, conflicts=None, last_raw=None):
    orig = json.loads(json.dumps(original))
    ann = last_raw if last_raw is not None else json.dumps(last if last is not None else original, separators=(",", ":"))
    orig["metadata"].setdefault("annotations", {})["kubectl.kubernetes.io/last-applied-configuration"] = ann
    orig["metadata"]["uid"] = "u1"
    ops = [{"op": "update", "manager": "test_client_side_apply", "apiVersion": "apps/v1", "object": orig}]
    a = {"op": "apply", "manager": manager, "apiVersion": "apps/v1", "object": applied}
    if conflicts:
        a["conflicts"] = ["test_client_side_apply " + c for c in conflicts]
        ops.append(a)
        ops.append({"op": "force-apply", "manager": manager, "apiVersion": "apps/v1", "object": applied})
    else:
        ops.append(a)
    return {"ops": ops}

A = {"app": "my-app"}
N = {"app": "my-new-label"}
cases = {}
cases["kubectl conflicts only where live drifted from the last applied configuration"] = case(
    "kubectl",
    original=dep(labels=A, replicas=100, sel=A, tlabels=A, containers=[("my-c", "my-image-v2")]),
    last=dep(replicas=3, sel=A, tlabels=A, containers=[("my-c", "my-image-v1"), ("my-c2", "my-image2")]),
    applied=dep(labels={"app": "my-new-label"}, replicas=333, sel=N, tlabels=N, containers=[("my-c", "my-image-new")]),
    conflicts=['.metadata.labels.app', '.spec.replicas', '.spec.template.spec.containers[name="my-c"].image'])
cases["kubectl conflicts on a replica count changed since the last apply"] = case(
    "kubectl",
    original=dep(labels=A, replicas=100, sel=A, tlabels=A, containers=[("my-c", "my-image")]),
    last=dep(labels=A, replicas=3, sel=A, tlabels=A, containers=[("my-c", "my-image")]),
    applied={"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "my-deployment", "labels": N},
             "spec": {"replicas": 3, "template": {"metadata": {"labels": A}, "spec": {"containers": [{"name": "my-c", "image": "my-image"}]}}}},
    conflicts=['.spec.replicas'])
cases["kubectl applying the live object is no conflict"] = case(
    "kubectl",
    original=dep(labels=A, replicas=100, sel=A, tlabels=A, containers=[("my-c", "my-image")]),
    applied=dep(labels=A, replicas=100, sel=A, tlabels=A, containers=[("my-c", "my-image")]))
cases["kubectl may change everything it last applied"] = case(
    "kubectl",
    original=dep(labels=A, replicas=3, sel=A, tlabels=A, containers=[("my-c", "my-image")]),
    applied=dep(labels=N, replicas=333, sel=N, tlabels=N, containers=[("my-c", "my-image")]))
cases["another manager conflicts on everything it changes"] = case(
    "not_kubectl",
    original=dep(labels=A, replicas=100, sel=A, tlabels=A, containers=[("my-c", "my-image-v2")]),
    last=dep(labels=A, replicas=3, sel=A, tlabels=A, containers=[("my-c", "my-image-v1")]),
    applied=dep(labels=N, replicas=333, sel=N, tlabels=N, containers=[("my-c", "my-image-new")]),
    conflicts=['.metadata.labels.app', '.spec.replicas', '.spec.selector', '.spec.template.metadata.labels.app',
               '.spec.template.spec.containers[name="my-c"].image'])
cases["kubectl may change an image it last applied"] = case(
    "kubectl",
    original=dep(labels=A, replicas=3, sel=A, tlabels=A, containers=[("my-c", "my-image")]),
    applied=dep(labels=N, replicas=3, sel=A, tlabels=A, containers=[("my-c", "my-new-image")]))
cases["another manager may not change what kubectl last applied"] = case(
    "not_kubectl",
    original=dep(labels=A, replicas=100, sel=A, tlabels=A, containers=[("my-c", "my-image")]),
    applied=dep(labels=N, replicas=3, sel=A, tlabels=A, containers=[("my-c", "my-new-image")]),
    conflicts=['.metadata.labels.app', '.spec.replicas', '.spec.template.spec.containers[name="my-c"].image'])
cases["kubectl may update replicas of a minimal object"] = case(
    "kubectl",
    original=dep(replicas=3),
    applied=dep(replicas=100))
cases["a last applied configuration of another apiVersion allows nothing"] = case(
    "kubectl",
    original=dep(replicas=3),
    last=dep(replicas=3, api="extensions/v1beta1"),
    applied=dep(replicas=100),
    conflicts=['.spec.replicas'])
cases["an invalid last applied configuration allows nothing"] = case(
    "kubectl",
    original=dep(replicas=3),
    last_raw='{"apiVerison":"foo","kind":"bar","spec":"expect conflict due to invalid object"}',
    applied=dep(replicas=100),
    conflicts=['.spec.replicas'])
cases["an empty last applied configuration allows nothing"] = case(
    "kubectl",
    original=dep(replicas=3),
    last_raw='',
    applied=dep(replicas=100),
    conflicts=['.spec.replicas'])

def kind_case(kind, api, manager, original, applied, conflicts=None):
    c = case(manager, original, applied, conflicts=conflicts)
    for op in c["ops"]:
        op["apiVersion"] = api
    c["schema"] = {"builtin": api + " " + kind}
    return c

def svc(target, selector):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "test"},
            "spec": {"ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": target}],
                     "selector": selector}}

cases["kubectl may change a service it last applied"] = kind_case(
    "Service", "v1", "kubectl", svc(8443, {"old": "test"}), svc(8444, {"new": "test"}))
cases["kubectl may empty a service selector it last applied"] = kind_case(
    "Service", "v1", "kubectl", svc(8443, {"old": "test"}), svc(8444, {}))
cases["another manager conflicts on an atomic service selector"] = kind_case(
    "Service", "v1", "not_kubectl", svc(8443, {"old": "test"}), svc(8444, {"new": "test"}),
    conflicts=['.spec.ports[port=443,protocol="TCP"].targetPort', '.spec.selector'])

def rc(replicas, selector):
    return {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "test"},
            "spec": {"replicas": replicas, "selector": selector}}

cases["kubectl may change a replication controller it last applied"] = kind_case(
    "ReplicationController", "v1", "kubectl", rc(0, {"old": "test"}), rc(3, {"new": "test"}))
cases["another manager conflicts on an atomic replication controller selector"] = kind_case(
    "ReplicationController", "v1", "not_kubectl", rc(0, {"old": "test"}), rc(3, {"new": "test"}),
    conflicts=['.spec.replicas', '.spec.selector'])

def pod(node_name, node_selector):
    spec = {"containers": [{"args": ["-v=2"], "command": ["controller"],
                            "image": "some.registry/app:latest", "name": "doJob"}]}
    if node_name is not None:
        spec["nodeName"] = node_name
    spec["nodeSelector"] = node_selector
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "test", "namespace": "test"}, "spec": spec}

MASTER = {"node-role.kubernetes.io/master": ""}
cases["kubectl may change the node selector of a pod it last applied"] = kind_case(
    "Pod", "v1", "kubectl", pod("definetlyControlPlane", MASTER), pod(None, {"node-role.kubernetes.io/worker": ""}))
cases["another manager conflicts on an atomic node selector"] = kind_case(
    "Pod", "v1", "not_kubectl", pod("definetlyControlPlane", MASTER),
    pod("definetlyControlPlane", {"node-role.kubernetes.io/master": "", "otherNodeType": ""}),
    conflicts=['.spec.nodeSelector'])
cases["another manager may not purge a node selector"] = kind_case(
    "Pod", "v1", "not_kubectl", pod("definetlyControlPlane", MASTER), pod("another", {}),
    conflicts=['.spec.nodeName', '.spec.nodeSelector'])
cases["kubectl may purge a node selector it last applied"] = kind_case(
    "Pod", "v1", "kubectl", pod("definetlyControlPlane", MASTER), pod("another", {}))

doc = {"schema": {"builtin": "apps/v1 Deployment"}, "cases": cases}
header = """# Ported from kubernetes staging/src/k8s.io/apimachinery/pkg/util/managedfields/internal/
# lastappliedmanager_test.go (TestApplyUsingLastAppliedAnnotation, TestServiceApply,
# TestReplicationControllerApply, TestPodApply): an object created by
# client-side apply (manager test_client_side_apply, with the last-applied annotation),
# then applied server-side. kubectl may take over what it last applied and what still
# holds that value; other managers conflict. Generated by gen_last_applied.py.
"""
with open("last_applied.yaml", "w") as f:
    f.write(header)
    class NoAliases(yaml.SafeDumper):
        def ignore_aliases(self, data):
            return True
    yaml.dump(doc, f, Dumper=NoAliases, sort_keys=False, width=120, default_flow_style=None)
