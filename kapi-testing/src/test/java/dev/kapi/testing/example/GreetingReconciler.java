package dev.kapi.testing.example;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * A small operator, as a user would write one with fabric8: it watches Greetings in one namespace and keeps a
 * ConfigMap {@code <name>-greeting} holding each one's message (owned by the Greeting, so deleting the
 * Greeting lets the garbage collector delete it), then records the ConfigMap's name in the Greeting's status.
 */
public final class GreetingReconciler implements AutoCloseable {

    private final KubernetesClient client;
    private final SharedIndexInformer<Greeting> informer;

    public GreetingReconciler(KubernetesClient client, String namespace) {
        this.client = client;
        this.informer = client.resources(Greeting.class).inNamespace(namespace).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Greeting greeting) {
                reconcile(greeting);
            }

            @Override
            public void onUpdate(Greeting before, Greeting greeting) {
                reconcile(greeting);
            }

            @Override
            public void onDelete(Greeting greeting, boolean finalStateUnknown) {
                // the ConfigMap is owned by the Greeting: the garbage collector removes it
            }
        });
    }

    private void reconcile(Greeting greeting) {
        String name = greeting.getMetadata().getName() + "-greeting";
        ConfigMap wanted = new ConfigMapBuilder()
                .withNewMetadata().withName(name).withNamespace(greeting.getMetadata().getNamespace())
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(greeting.getApiVersion())
                        .withKind(greeting.getKind()).withName(greeting.getMetadata().getName())
                        .withUid(greeting.getMetadata().getUid()).withController(true).build())
                .endMetadata()
                .addToData("message", greeting.getSpec().getMessage())
                .build();
        client.configMaps().resource(wanted).fieldManager("greeting-reconciler").forceConflicts().serverSideApply();
        if (greeting.getStatus() == null || !name.equals(greeting.getStatus().getConfigMap())) {
            Greeting.Status status = new Greeting.Status();
            status.setConfigMap(name);
            greeting.setStatus(status);
            client.resource(greeting).updateStatus();
        }
    }

    @Override
    public void close() {
        informer.close();
    }
}
