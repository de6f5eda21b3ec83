package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.validation.NameValidation;
import dev.kapi.apiserver.registry.validation.ObjectMetaValidation;
import io.fabric8.kubernetes.api.model.Secret;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Secrets: type defaults to Opaque; {@code stringData} is merged into {@code data} (base64-encoded, overriding)
 * and dropped, on create and update alike; {@code data} values must be base64 (a 400 as kube's decoder gives);
 * keys are config keys; the decoded total is at most 1 MiB; typed secrets need their keys; {@code type} and an
 * immutable secret's data cannot change.
 */
public final class SecretStrategy implements ResourceStrategy<Secret> {

    /** kube's {@code MaxSecretSize}, also the ConfigMap limit. */
    static final int MAX_SIZE = 1024 * 1024;

    private static final Map<String, List<String>> REQUIRED_KEYS = Map.of(
            "kubernetes.io/dockercfg", List.of(".dockercfg"),
            "kubernetes.io/dockerconfigjson", List.of(".dockerconfigjson"),
            "kubernetes.io/tls", List.of("tls.crt", "tls.key"),
            "kubernetes.io/ssh-auth", List.of("ssh-privatekey"));

    @Override
    public void applyDefaults(Secret secret) {
        if (secret.getType() == null || secret.getType().isEmpty()) {
            secret.setType("Opaque");
        }
        Base64Data.check("Secret", secret.getData());
        if (secret.getStringData() != null && !secret.getStringData().isEmpty()) {
            Map<String, String> data = secret.getData() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(secret.getData());
            secret.getStringData().forEach((k, v) -> data.put(k, Base64Data.encode(v)));
            secret.setData(data);
        }
        secret.setStringData(null);
    }

    @Override
    public List<FieldError> validate(Secret secret) {
        List<FieldError> errs = new ArrayList<>();
        long total = 0;
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        for (Map.Entry<String, String> e : new TreeMap<>(data).entrySet()) {
            for (String msg : NameValidation.configMapKey(e.getKey())) {
                errs.add(FieldError.invalid("data[" + e.getKey() + "]", e.getKey(), msg));
            }
            total += Base64Data.decodedLength(e.getValue());
        }
        if (total > MAX_SIZE) {
            errs.add(new FieldError(FieldError.Type.TOO_LONG, "data", "", "must have at most " + MAX_SIZE + " bytes"));
        }
        String type = secret.getType() == null ? "" : secret.getType();
        for (String key : REQUIRED_KEYS.getOrDefault(type, List.of())) {
            if (!data.containsKey(key)) {
                errs.add(FieldError.required("data[" + key + "]", ""));
            }
        }
        if (type.equals("kubernetes.io/service-account-token")) {
            Map<String, String> ann = secret.getMetadata() == null ? null : secret.getMetadata().getAnnotations();
            if (ann == null || ann.getOrDefault("kubernetes.io/service-account.name", "").isEmpty()) {
                errs.add(FieldError.required("metadata.annotations[kubernetes.io/service-account.name]", ""));
            }
        }
        if (type.equals("kubernetes.io/basic-auth") && !data.containsKey("username") && !data.containsKey("password")) {
            errs.add(FieldError.required("data[username]", ""));
            errs.add(FieldError.required("data[password]", ""));
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(Secret secret, Secret old) {
        List<FieldError> errs = validate(secret);
        ObjectMetaValidation.immutable(errs, "type", secret.getType(), old.getType());
        if (Boolean.TRUE.equals(old.getImmutable())) {
            if (!Boolean.TRUE.equals(secret.getImmutable())) {
                errs.add(FieldError.forbidden("immutable", "field is immutable when `immutable` is set"));
            }
            if (!nullToEmpty(secret.getData()).equals(nullToEmpty(old.getData()))) {
                errs.add(FieldError.forbidden("data", "field is immutable when `immutable` is set"));
            }
        }
        return errs;
    }

    @Override
    public Map<String, String> selectableFields(Secret secret) {
        return Map.of("type", secret.getType() == null ? "" : secret.getType());
    }

    @Override
    public List<TableColumn<Secret>> tableColumns() {
        return List.of(TableColumn.nameColumn(),
                TableColumn.of("Type", "string", "Used to facilitate programmatic handling of secret data.",
                        s -> s.getType() == null ? "" : s.getType()),
                TableColumn.of("Data", "string", "Data contains the secret data.",
                        s -> s.getData() == null ? 0 : s.getData().size()),
                TableColumn.ageColumn());
    }

    static Map<String, String> nullToEmpty(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }
}
