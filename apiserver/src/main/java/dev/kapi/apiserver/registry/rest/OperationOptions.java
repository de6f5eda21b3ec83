package dev.kapi.apiserver.registry.rest;

import io.fabric8.kubernetes.api.model.CreateOptions;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Preconditions;
import io.fabric8.kubernetes.api.model.UpdateOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * The options object of each write, as kube-apiserver's handlers build it from the query (or, for a
 * delete, the body) and hand it to admission: {@code meta.k8s.io/v1} CreateOptions, UpdateOptions (a patch's
 * PatchOptions converted, as kube does) and DeleteOptions. A write is a dry run when {@code dryRun} holds
 * {@code All}.
 */
public final class OperationOptions {

    static final String META_V1 = "meta.k8s.io/v1";
    private static final String ALL = "All";

    private OperationOptions() {
    }

    /** CreateOptions with the request's {@code dryRun}, {@code fieldManager} and {@code fieldValidation}. */
    public static CreateOptions create(boolean dryRun, String fieldManager, String fieldValidation) {
        CreateOptions o = new CreateOptions();
        o.setApiVersion(META_V1);
        o.setKind("CreateOptions");
        o.setDryRun(dryRunValue(dryRun));
        o.setFieldManager(fieldManager);
        o.setFieldValidation(fieldValidation);
        return o;
    }

    /** UpdateOptions of a PUT or (converted from its PatchOptions) a PATCH. */
    public static UpdateOptions update(boolean dryRun, String fieldManager, String fieldValidation) {
        UpdateOptions o = new UpdateOptions();
        o.setApiVersion(META_V1);
        o.setKind("UpdateOptions");
        o.setDryRun(dryRunValue(dryRun));
        o.setFieldManager(fieldManager);
        o.setFieldValidation(fieldValidation);
        return o;
    }

    /** The options of a write of the server's own (no dry run, no field manager yet). */
    public static CreateOptions create() {
        return create(false, null, null);
    }

    public static UpdateOptions update() {
        return update(false, null, null);
    }

    public static DeleteOptions delete() {
        return delete(new DeleteOptions(), false);
    }

    /** A delete with this {@code propagationPolicy} (Orphan, Background, Foreground). */
    public static DeleteOptions delete(String propagationPolicy) {
        DeleteOptions o = delete();
        o.setPropagationPolicy(propagationPolicy);
        return o;
    }

    /** A delete of the object with this uid only (409 when the name now holds another object). */
    public static DeleteOptions deleteWithUid(String uid) {
        DeleteOptions o = delete();
        Preconditions p = new Preconditions();
        p.setUid(uid);
        o.setPreconditions(p);
        return o;
    }

    /** The request's DeleteOptions as kube hands them to admission: typed, {@code dryRun} as the request runs. */
    public static DeleteOptions delete(DeleteOptions read, boolean dryRun) {
        read.setApiVersion(META_V1);
        read.setKind("DeleteOptions");
        if (dryRun) {
            read.setDryRun(dryRunValue(true));
        }
        return read;
    }

    /** Whether a {@code dryRun} option asks for a dry run. */
    public static boolean isDryRun(List<String> dryRun) {
        return dryRun != null && dryRun.contains(ALL);
    }

    private static List<String> dryRunValue(boolean dryRun) {
        return dryRun ? new ArrayList<>(List.of(ALL)) : new ArrayList<>();
    }
}
