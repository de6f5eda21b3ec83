package dev.kapi.apiserver.bench;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The objects the scale mode loads and writes, shaped like a real cluster's: ConfigMaps with a few data keys
 * (a small YAML file and some settings, 0.8 to 1.3 KB), Pods with one or two containers, labels, ports,
 * environment, requests and limits, 80% of them bound to a node ({@code spec.nodeName}) so that
 * {@code fieldSelector=spec.nodeName=…} lists select about 80 Pods. Object {@code i} lives in namespace
 * {@code i % namespaces}; names carry the global index.
 */
final class ScaleObjects {

    /** Distinct values of the {@code app} label: a label-selected list of one namespace selects 1/10 of it. */
    static final int APPS = 10;

    private ScaleObjects() {
    }

    static String namespace(int index) {
        return String.format(Locale.ROOT, "scale-%04d", index);
    }

    static String node(int index) {
        return "node-" + index;
    }

    /**
     * Node {@code name}, registered Ready with room for far more Pods than the run puts on it, as a kubelet
     * (or kubemark's hollow node) registers it: the Pods bound to it are not orphans for the Pod garbage
     * collector, and the scheduler can bind the unbound ones.
     */
    static byte[] nodeJson(String name, java.time.Instant now) {
        String resources = "{\"cpu\":\"64\",\"memory\":\"256Gi\",\"pods\":\"500\"}";
        return ("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + name
                + "\",\"labels\":{\"kubernetes.io/hostname\":\"" + name + "\"}},\"status\":{\"capacity\":"
                + resources + ",\"allocatable\":" + resources + ",\"conditions\":[{\"type\":\"Ready\","
                + "\"status\":\"True\",\"reason\":\"KubeletReady\",\"lastHeartbeatTime\":\"" + now
                + "\",\"lastTransitionTime\":\"" + now + "\"}]}}").getBytes(StandardCharsets.UTF_8);
    }

    /** The namespace object named {@code name}. */
    static byte[] namespaceJson(String name) {
        return ("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name
                + "\",\"labels\":{\"team\":\"team-" + (name.hashCode() & 15) + "\"}}}").getBytes(StandardCharsets.UTF_8);
    }

    /** ConfigMap {@code name} with {@code 3 + (seed % 3)} data keys. */
    static byte[] configMap(String name, int seed) {
        StringBuilder s = new StringBuilder(1400)
                .append("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"")
                .append(name).append("\",\"labels\":{\"app\":\"app-").append(seed % APPS)
                .append("\",\"tier\":\"").append(seed % 3 == 0 ? "frontend" : "backend")
                .append("\"},\"annotations\":{\"owner\":\"team-").append(seed % 16).append("\"}},\"data\":{")
                .append("\"config.yaml\":\"server:\\n  port: ").append(8000 + seed % 1000)
                .append("\\n  readTimeout: 30s\\n  writeTimeout: 30s\\nlogging:\\n  level: info\\n  format: json\\n")
                .append("database:\\n  host: db-").append(seed % 50).append(".svc.cluster.local\\n  port: 5432\\n")
                .append("  pool: 20\\n  name: app_").append(seed % APPS).append("\\ncache:\\n  ttl: 300s\\n  size: 1024\\n")
                .append("features:\\n  - search\\n  - export\\n  - audit\\n\",")
                .append("\"LOG_LEVEL\":\"info\",\"revision\":\"0\"");
        int extra = seed % 3;
        if (extra >= 1) {
            s.append(",\"ENDPOINT\":\"https://api-").append(seed % 97).append(".example.com/v2/resources\"");
        }
        if (extra >= 2) {
            s.append(",\"allowlist.txt\":\"").append("10.0.").append(seed % 250).append(".0/24\\n")
                    .append("192.168.0.0/16\\n172.16.0.0/12\\n10.96.0.0/12\\n10.244.0.0/16\\n\"");
        }
        return s.append("}}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Pod {@code name} with 1 or 2 containers; bound to {@code node} unless it is null. */
    static byte[] pod(String name, int seed, String node) {
        int app = seed % APPS;
        StringBuilder s = new StringBuilder(1800).append("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"")
                .append(name).append("\",\"labels\":{\"app\":\"app-").append(app)
                .append("\",\"pod-template-hash\":\"").append(Integer.toHexString(0x5f3a1000 + app * 7919))
                .append("\"}},\"spec\":{");
        if (node != null) {
            s.append("\"nodeName\":\"").append(node).append("\",");
        }
        s.append("\"containers\":[");
        container(s, "app", "registry.example.com/app-" + app + ":1." + (seed % 20), 8080, "250m", "256Mi", "512Mi");
        if (seed % 2 == 0) {
            s.append(',');
            container(s, "sidecar", "registry.example.com/proxy:2.4.1", 15001, "50m", "64Mi", "128Mi");
        }
        return s.append("],\"terminationGracePeriodSeconds\":30,\"tolerations\":[{\"key\":\"node.kubernetes.io/not-ready\",")
                .append("\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300}]}}")
                .toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void container(StringBuilder s, String name, String image, int port, String cpu, String memory,
                                  String memoryLimit) {
        s.append("{\"name\":\"").append(name).append("\",\"image\":\"").append(image)
                .append("\",\"ports\":[{\"name\":\"http\",\"containerPort\":").append(port).append(",\"protocol\":\"TCP\"}],")
                .append("\"env\":[{\"name\":\"MODE\",\"value\":\"production\"},{\"name\":\"POD_NAME\",\"valueFrom\":")
                .append("{\"fieldRef\":{\"fieldPath\":\"metadata.name\"}}}],")
                .append("\"resources\":{\"requests\":{\"cpu\":\"").append(cpu).append("\",\"memory\":\"").append(memory)
                .append("\"},\"limits\":{\"memory\":\"").append(memoryLimit).append("\"}},")
                .append("\"readinessProbe\":{\"httpGet\":{\"path\":\"/healthz\",\"port\":").append(port)
                .append("},\"periodSeconds\":10}}");
    }
}
