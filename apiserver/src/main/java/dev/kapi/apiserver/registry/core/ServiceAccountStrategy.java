package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.ServiceAccount;

import java.util.List;

/** ServiceAccounts: nothing particular but the {@code kubectl get serviceaccounts} columns. */
public final class ServiceAccountStrategy implements ResourceStrategy<ServiceAccount> {

    /** kube's storage for this resource sets {@code ReturnDeletedObject}: a delete answers with the object. */
    @Override
    public boolean returnsDeletedObject() {
        return true;
    }

    @Override
    public List<TableColumn<ServiceAccount>> tableColumns() {
        return List.of(TableColumn.nameColumn(),
                TableColumn.of("Secrets", "string", "Secrets is a list of the secrets in the same namespace that "
                        + "pods running using this ServiceAccount are allowed to use.",
                        sa -> sa.getSecrets() == null ? 0 : sa.getSecrets().size()),
                TableColumn.ageColumn());
    }
}
