package dev.kapi.testing.example;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/** The example operator's custom resource: a message that its reconciler writes into a ConfigMap. */
@Group("example.kapi.dev")
@Version("v1")
public class Greeting extends CustomResource<Greeting.Spec, Greeting.Status> implements Namespaced {

    public static Greeting of(String name, String message) {
        Greeting g = new Greeting();
        g.getMetadata().setName(name);
        Spec spec = new Spec();
        spec.setMessage(message);
        g.setSpec(spec);
        return g;
    }

    public static class Spec {
        private String message;

        public String getMessage() {
            return message;
        }

        public void setMessage(String message) {
            this.message = message;
        }
    }

    public static class Status {
        private String configMap;

        public String getConfigMap() {
            return configMap;
        }

        public void setConfigMap(String configMap) {
            this.configMap = configMap;
        }
    }
}
