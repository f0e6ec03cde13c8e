"""A stand-in API server that records request bodies, for capturing kubectl's protobuf.

Answers just enough discovery (and GETs of the objects `kubectl create job --from` and
`kubectl certificate approve` read) for kubectl to send its write; every POST/PUT/PATCH body
is saved as OUT/NNN.bin with the method, path and content type in OUT/NNN.meta.
Usage: recorder.py PORT OUT
"""
import http.server, json, sys, os, itertools
OUT = sys.argv[2]
os.makedirs(OUT, exist_ok=True)
cnt = itertools.count()
def rl(gv, items):
    return {"kind":"APIResourceList","apiVersion":"v1","groupVersion":gv,"resources":[dict({"name":n,"singularName":"","namespaced":ns,"kind":k,"verbs":["create","get","list","delete","patch","update"]}, **({"group":"autoscaling","version":"v1"} if k=="Scale" else {})) for (n,k,ns) in items]}
DISC={"/api/v1": rl("v1",[("pods","Pod",True),("namespaces","Namespace",False),("services","Service",True),("configmaps","ConfigMap",True),("secrets","Secret",True),("serviceaccounts","ServiceAccount",True)]),
 "/apis/certificates.k8s.io/v1": rl("certificates.k8s.io/v1",[("certificatesigningrequests","CertificateSigningRequest",False),("certificatesigningrequests/approval","CertificateSigningRequest",False)]),
 "/apis/batch/v1": rl("batch/v1",[("cronjobs","CronJob",True),("jobs","Job",True)]),
 "/apis/apps/v1": rl("apps/v1",[("deployments","Deployment",True),("deployments/scale","Scale",True)])}
DEPLOY={"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"default","uid":"u1","resourceVersion":"1","labels":{"app":"d"}},
 "spec":{"replicas":2,"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"nginx","image":"nginx","ports":[{"containerPort":80}]}]}}}}
CSR={"apiVersion":"certificates.k8s.io/v1","kind":"CertificateSigningRequest","metadata":{"name":"csr1","uid":"c1","resourceVersion":"7","creationTimestamp":"2026-01-02T03:04:05Z"},
 "spec":{"request":"LS0tLS1CRUdJTg==","signerName":"kubernetes.io/kube-apiserver-client","expirationSeconds":86400,"usages":["client auth"],"username":"alice","groups":["system:authenticated"],"extra":{"scopes":["a","b"]}},
 "status":{"conditions":[{"type":"Pending","status":"True","reason":"R","message":"m","lastUpdateTime":"2026-01-02T03:04:05Z","lastTransitionTime":"2026-01-02T03:04:06Z"}]}}
CRONJOB={"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"cj","namespace":"default","uid":"cj-uid","resourceVersion":"3"},
 "spec":{"schedule":"*/5 * * * *","jobTemplate":{"metadata":{"labels":{"x":"y"}},"spec":{"backoffLimit":0,"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox","resources":{"limits":{"cpu":"250m","memory":"64Mi"}},"env":[{"name":"A","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}]}]}}}}}}
class H(http.server.BaseHTTPRequestHandler):
    def _send(self, code, obj):
        b = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    def do_GET(self):
        if self.path.startswith('/api?') or self.path == '/api':
            return self._send(200, {"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1"}]})
        if self.path.startswith('/apis?') or self.path == '/apis':
            return self._send(200, {"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"certificates.k8s.io","versions":[{"groupVersion":"certificates.k8s.io/v1","version":"v1"}],"preferredVersion":{"groupVersion":"certificates.k8s.io/v1","version":"v1"}},{"name":"batch","versions":[{"groupVersion":"batch/v1","version":"v1"}],"preferredVersion":{"groupVersion":"batch/v1","version":"v1"}},{"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}}]})
        p=self.path.split('?')[0]
        if p in DISC: return self._send(200, DISC[p])
        if p == '/apis/apps/v1/namespaces/default/deployments/d':
            return self._send(200, DEPLOY)
        if p == '/apis/certificates.k8s.io/v1/certificatesigningrequests/csr1':
            return self._send(200, CSR)
        if p == '/apis/batch/v1/namespaces/default/cronjobs/cj':
            return self._send(200, CRONJOB)
        return self._send(404, {"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404})
    def do_POST(self):
        n = int(self.headers.get('Content-Length', 0))
        body = self.rfile.read(n)
        tag = os.environ.get('TAG', 'x')
        i = next(cnt)
        with open(os.path.join(OUT, f"{i:03d}.bin"), 'wb') as f: f.write(body)
        with open(os.path.join(OUT, f"{i:03d}.meta"), 'w') as f: f.write(f"{self.command} {self.path} {self.headers.get('Content-Type')}\n")
        return self._send(201, {"kind":"Status","apiVersion":"v1","status":"Success","code":201})
    do_PUT = do_POST
    do_PATCH = do_POST
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
