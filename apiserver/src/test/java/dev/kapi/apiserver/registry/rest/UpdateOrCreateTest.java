package dev.kapi.apiserver.registry.rest;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionChain;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.EtcdExtension;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.UpdateOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * kube's create-on-update in the write pipeline: a missing Role is created (admitted as a CREATE, after the
 * create is authorized), but an existing one whose update admission refuses with a 404 is not taken for missing:
 * the refusal is the answer, with no CREATE admitted and no create authorized.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpdateOrCreateTest {

    private Storage storage;
    private Store<Role> roles;
    private final List<String> admitted = new CopyOnWriteArrayList<>();
    private WritePipeline writes;

    @BeforeAll
    void connect() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        roles = new BuiltInStores(storage).store("rbac.authorization.k8s.io", "v1", "roles");
        ValidatingAdmission refusing = new ValidatingAdmission() {
            @Override
            public String name() {
                return "test.refusing";
            }

            @Override
            public void validate(AdmissionAttributes a) {
                admitted.add(a.operation() + " " + a.name());
                if (a.name().equals("refused") && a.operation() == AdmissionAttributes.Operation.UPDATE) {
                    throw StatusError.notFound(a.resource().groupResource(), a.name());
                }
            }
        };
        writes = new WritePipeline(new AdmissionChain(List.of(), List.of(refusing)));
    }

    @AfterAll
    void close() {
        storage.close();
    }

    private static Role role(String name) {
        return Json.convert(Json.MAPPER.readTree("{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"Role\","
                + "\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"ns\"},\"rules\":[]}"), Role.class);
    }

    @Test
    void aMissingObjectIsCreatedAndARefusalOfAdmissionIsNot() {
        WriteScope<Role> scope = WriteScope.of(roles, "ns", SystemUsers.API_SERVER);
        AtomicInteger authorized = new AtomicInteger();
        WritePipeline.Applied<Role> created = writes.updateOrCreate(scope, "new", current -> role("new"),
                new UpdateOptions(), authorized::incrementAndGet);
        assertThat(created.created()).isTrue();
        assertThat(authorized).hasValue(1);
        assertThat(admitted).containsExactly("CREATE new");

        writes.updateOrCreate(scope, "refused", current -> role("refused"), new UpdateOptions(),
                authorized::incrementAndGet);
        admitted.clear();
        authorized.set(0);
        assertThatThrownBy(() -> writes.updateOrCreate(scope, "refused", current -> role("refused"),
                new UpdateOptions(), authorized::incrementAndGet))
                .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.code()).isEqualTo(404));
        assertThat(admitted).as("the update only: no create tried").containsExactly("UPDATE refused");
        assertThat(authorized).hasValue(0);
    }
}
