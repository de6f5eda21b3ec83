package dev.kapi.apiserver.controllers.endpoints;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * A registry on the test etcd (a prefix of its own), informers on it and one controller running over them:
 * what ControllerManager does for these controllers, without the others. The controller's start and stop
 * are the framework's (package-private there), reached by reflection.
 */
final class Harness implements AutoCloseable {

    final Storage storage = EtcdStorage.connect(EtcdExtension.endpoints());
    final StoreRegistry stores;
    private final List<Informer<?>> informers = new ArrayList<>();
    private Controller controller;

    Harness() {
        String prefix = EtcdExtension.randomPrefix();
        stores = TestStores.of(storage, prefix);
    }

    @SuppressWarnings("unchecked")
    <T extends HasMetadata> Store<T> store(String group, String resource) {
        return stores.store((ResourceDefinition<T>) stores.resources().find(group, "v1", resource).orElseThrow());
    }

    <T extends HasMetadata> Informer<T> informer(Store<T> store) {
        Informer<T> informer = new Informer<>(store, "test", InformerOptions.DEFAULTS);
        informers.add(informer);
        return informer;
    }

    void start(Controller controller) {
        this.controller = controller;
        informers.forEach(Informer::start);
        call(controller, "start");
    }

    static <T extends HasMetadata> T getOrNull(Store<T> store, String namespace, String name) {
        try {
            return store.get(namespace, name);
        } catch (StatusError e) {
            if (e.code() == 404) {
                return null;
            }
            throw e;
        }
    }

    private static void call(Controller controller, String method) {
        try {
            Method m = Controller.class.getDeclaredMethod(method);
            m.setAccessible(true);
            m.invoke(controller);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (controller != null) {
            call(controller, "stop");
        }
        Informer.closeAll(informers, Informer.STOP_WAIT);
        storage.close();
    }
}
