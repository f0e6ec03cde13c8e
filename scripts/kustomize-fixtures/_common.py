"""Shared resource snippets for the conformance cases."""

KUST = "kustomization.yaml"


def deployment(name="web", image="nginx:1.25.3", app=None, replicas=1, extra_pod="", extra_container=""):
    app = app or name
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {app}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {app}
  template:
    metadata:
      labels:
        app: {app}
    spec:
      containers:
      - name: {name}
        image: {image}
        ports:
        - containerPort: 8080
{extra_container}{extra_pod}"""


def service(name="web", app=None, port=80, target=8080):
    app = app or name
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
  labels:
    app: {app}
spec:
  selector:
    app: {app}
  ports:
  - name: http
    port: {port}
    targetPort: {target}
"""


def configmap(name="app-config", data=None):
    data = data or {"LOG_LEVEL": "info"}
    body = "".join(f"  {k}: {v}\n" for k, v in data.items())
    return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}
data:
{body}"""


DEPLOY_WITH_REFS = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      serviceAccountName: api-sa
      containers:
      - name: api
        image: example.com/api:1.0
        envFrom:
        - configMapRef:
            name: api-config
        - secretRef:
            name: api-secret
        env:
        - name: MODE
          valueFrom:
            configMapKeyRef:
              name: api-config
              key: mode
        volumeMounts:
        - name: data
          mountPath: /data
      volumes:
      - name: data
        persistentVolumeClaim:
          claimName: api-data
"""

REFERENCED = """apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
data:
  mode: fast
---
apiVersion: v1
kind: Secret
metadata:
  name: api-secret
type: Opaque
stringData:
  token: abc
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: api-sa
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: api-data
spec:
  accessModes:
  - ReadWriteOnce
  resources:
    requests:
      storage: 1Gi
"""
