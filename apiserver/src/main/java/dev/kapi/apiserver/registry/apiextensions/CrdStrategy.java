package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceConversion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatus;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;

import java.util.ArrayList;
import java.util.List;

/**
 * apiextensions.k8s.io/v1 customresourcedefinitions (kube's {@code registry/customresourcedefinition}):
 * listKind {@code <Kind>List}, singular the kind in lower case and conversion None by default; on create the status starts with the storage version as the only stored one,
 * and an update adds its storage version to {@code status.storedVersions}; a delete first adds the
 * {@code customresourcecleanup.apiextensions.k8s.io} finalizer and a Terminating condition, so the
 * definition stays until the cleanup has removed every object of it.
 */
public final class CrdStrategy implements ResourceStrategy<CustomResourceDefinition> {

    public static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

    @Override
    public void applyDefaults(CustomResourceDefinition crd) {
        if (crd.getSpec() == null) {
            return;
        }
        var names = crd.getSpec().getNames();
        if (names != null && names.getKind() != null && !names.getKind().isEmpty()) {
            if (names.getListKind() == null || names.getListKind().isEmpty()) {
                names.setListKind(names.getKind() + "List"); // apiextensions v1's defaults
            }
            if (names.getSingular() == null || names.getSingular().isEmpty()) {
                names.setSingular(names.getKind().toLowerCase(java.util.Locale.ROOT));
            }
        }
        if (crd.getSpec().getConversion() == null) {
            crd.getSpec().setConversion(new CustomResourceConversion("None", null));
        }
        var webhook = crd.getSpec().getConversion().getWebhook();
        if (webhook != null && webhook.getClientConfig() != null && webhook.getClientConfig().getService() != null
                && webhook.getClientConfig().getService().getPort() == null) {
            webhook.getClientConfig().getService().setPort(443);
        }
        if (crd.getSpec().getVersions() != null) {
            for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
                if (v.getServed() == null) {
                    v.setServed(false);
                }
                if (v.getStorage() == null) {
                    v.setStorage(false);
                }
            }
        }
    }

    @Override
    public void prepareForCreate(CustomResourceDefinition crd) {
        CustomResourceDefinitionStatus status = new CustomResourceDefinitionStatus();
        status.setConditions(new ArrayList<>());
        status.setAcceptedNames(new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionNames());
        status.getAcceptedNames().setKind("");
        status.getAcceptedNames().setPlural("");
        String storage = storageVersion(crd);
        status.setStoredVersions(storage == null ? new ArrayList<>() : new ArrayList<>(List.of(storage)));
        crd.setStatus(status);
    }

    @Override
    public void prepareForUpdate(CustomResourceDefinition crd, CustomResourceDefinition old) {
        String storage = storageVersion(crd);
        if (storage == null) {
            return;
        }
        if (crd.getStatus() == null) {
            crd.setStatus(new CustomResourceDefinitionStatus());
        }
        List<String> stored = crd.getStatus().getStoredVersions() == null ? new ArrayList<>()
                : new ArrayList<>(crd.getStatus().getStoredVersions());
        if (!stored.contains(storage)) {
            stored.add(storage);
        }
        crd.getStatus().setStoredVersions(stored);
    }

    @Override
    public List<String> validateName(String name) {
        return List.of(); // checked with the spec it must agree with, in validate
    }

    @Override
    public List<FieldError> validate(CustomResourceDefinition crd) {
        List<FieldError> errs = new ArrayList<>();
        String name = crd.getMetadata().getName() == null ? "" : crd.getMetadata().getName();
        for (String problem : CrdValidation.name(crd, name)) {
            errs.add(FieldError.invalid("metadata.name", name, problem));
        }
        errs.addAll(ApiApproval.validate(crd, null));
        errs.addAll(CrdValidation.spec(crd.getSpec()));
        errs.addAll(CrdSchemas.validate(crd));
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(CustomResourceDefinition crd, CustomResourceDefinition old) {
        List<FieldError> errs = new ArrayList<>(ApiApproval.validate(crd, old));
        errs.addAll(CrdValidation.specUpdate(crd.getSpec(), old.getSpec(),
                CrdConditions.isTrue(old, CrdConditions.ESTABLISHED)));
        errs.addAll(CrdSchemas.validate(crd));
        if (crd.getStatus() != null && crd.getSpec() != null) {
            errs.addAll(CrdValidation.storedVersions(crd.getStatus().getStoredVersions(), crd.getSpec().getVersions()));
        }
        return errs;
    }

    @Override
    public List<FieldError> validateStatusUpdate(CustomResourceDefinition crd, CustomResourceDefinition old) {
        if (crd.getStatus() == null || crd.getStatus().getAcceptedNames() == null) {
            return List.of();
        }
        return CrdValidation.names(crd.getStatus().getAcceptedNames(), "status.acceptedNames");
    }

    /** A CRD not yet being deleted is held: its delete only marks it, for the cleanup of its objects. */
    @Override
    public boolean deletionHeld(CustomResourceDefinition crd) {
        return crd.getMetadata().getDeletionTimestamp() == null;
    }

    @Override
    public void prepareForDeletion(CustomResourceDefinition crd) {
        List<String> finalizers = crd.getMetadata().getFinalizers() == null ? new ArrayList<>()
                : new ArrayList<>(crd.getMetadata().getFinalizers());
        if (!finalizers.contains(CLEANUP_FINALIZER)) {
            finalizers.add(CLEANUP_FINALIZER);
        }
        crd.getMetadata().setFinalizers(finalizers);
        CrdConditions.set(crd, CrdConditions.of(CrdConditions.TERMINATING, "True", "InstanceDeletionPending",
                "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon"));
    }

    @Override
    public List<TableColumn<CustomResourceDefinition>> tableColumns() {
        return List.of(TableColumn.nameColumn(), new TableColumn<>("Created At", "date", "",
                "CreationTimestamp is a timestamp representing the server time when this object was created.", 0,
                crd -> crd.getMetadata().getCreationTimestamp()));
    }

    /** The name of the version marked {@code storage}, or null. */
    public static String storageVersion(CustomResourceDefinition crd) {
        if (crd.getSpec() == null || crd.getSpec().getVersions() == null) {
            return null;
        }
        return crd.getSpec().getVersions().stream().filter(v -> Boolean.TRUE.equals(v.getStorage()))
                .map(CustomResourceDefinitionVersion::getName).findFirst().orElse(null);
    }

    /** kube's: a PUT must name the resourceVersion it replaces. */
    @Override
    public boolean allowUnconditionalUpdate() {
        return false;
    }
}
