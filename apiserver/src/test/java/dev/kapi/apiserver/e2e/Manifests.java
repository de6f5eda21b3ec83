package dev.kapi.apiserver.e2e;

/** YAML manifests the kubectl tests apply. */
final class Manifests {

    private Manifests() {
    }

    /** A ConfigMap and a Deployment, both labelled app=web. */
    static final String WEB = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: web-config
              labels: {app: web, tier: front}
            data:
              greeting: hello
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels: {app: web}
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
            """;

    /** The four-document file: ConfigMap, Secret, Deployment, Service. */
    static final String STACK = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: stack-config
              labels: {app: stack}
            data:
              mode: demo
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: stack-secret
              labels: {app: stack}
            type: Opaque
            stringData:
              password: s3cr3t
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: stack
              labels: {app: stack}
            spec:
              replicas: 1
              selector:
                matchLabels: {app: stack}
              template:
                metadata:
                  labels: {app: stack}
                spec:
                  containers:
                  - name: app
                    image: nginx:1.27
                    ports:
                    - containerPort: 80
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: stack
              labels: {app: stack}
            spec:
              selector: {app: stack}
              ports:
              - port: 80
                targetPort: 80
            """;

    /** A lone ConfigMap with the given name. */
    static String configMap(String name) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                  labels: {app: single}
                data:
                  k: v
                """.formatted(name);
    }
}
