package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.ConfigMap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ConfigMaps: keys of {@code data} and {@code binaryData} are config keys and never in both, the total is at
 * most 1 MiB, {@code binaryData} must be base64 (400 like kube's decoder), and an immutable ConfigMap's data
 * cannot change.
 */
public final class ConfigMapStrategy implements ResourceStrategy<ConfigMap> {

    @Override
    public void applyDefaults(ConfigMap cm) {
        Base64Data.check("ConfigMap", cm.getBinaryData());
    }

    @Override
    public List<FieldError> validate(ConfigMap cm) {
        List<FieldError> errs = new ArrayList<>();
        long total = 0;
        Map<String, String> data = SecretStrategy.nullToEmpty(cm.getData());
        Map<String, String> binary = SecretStrategy.nullToEmpty(cm.getBinaryData());
        for (Map.Entry<String, String> e : new TreeMap<>(data).entrySet()) {
            for (String msg : NameValidation.configMapKey(e.getKey())) {
                errs.add(FieldError.invalid("data[" + e.getKey() + "]", e.getKey(), msg));
            }
            total += e.getValue() == null ? 0 : e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        for (Map.Entry<String, String> e : new TreeMap<>(binary).entrySet()) {
            for (String msg : NameValidation.configMapKey(e.getKey())) {
                errs.add(FieldError.invalid("binaryData[" + e.getKey() + "]", e.getKey(), msg));
            }
            if (data.containsKey(e.getKey())) {
                errs.add(FieldError.invalid("binaryData[" + e.getKey() + "]", e.getKey(), "duplicate of key present in data"));
            }
            total += Base64Data.decodedLength(e.getValue());
        }
        if (total > SecretStrategy.MAX_SIZE) {
            errs.add(new FieldError(FieldError.Type.TOO_LONG, "", "", "must have at most " + SecretStrategy.MAX_SIZE + " bytes"));
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ConfigMap cm, ConfigMap old) {
        List<FieldError> errs = validate(cm);
        if (Boolean.TRUE.equals(old.getImmutable())) {
            if (!Boolean.TRUE.equals(cm.getImmutable())) {
                errs.add(FieldError.forbidden("immutable", "field is immutable when `immutable` is set"));
            }
            if (!SecretStrategy.nullToEmpty(cm.getData()).equals(SecretStrategy.nullToEmpty(old.getData()))) {
                errs.add(FieldError.forbidden("data", "field is immutable when `immutable` is set"));
            }
            if (!SecretStrategy.nullToEmpty(cm.getBinaryData()).equals(SecretStrategy.nullToEmpty(old.getBinaryData()))) {
                errs.add(FieldError.forbidden("binaryData", "field is immutable when `immutable` is set"));
            }
        }
        return errs;
    }

    @Override
    public List<TableColumn<ConfigMap>> tableColumns() {
        return List.of(TableColumn.nameColumn(),
                TableColumn.of("Data", "string", "Data contains the configuration data.",
                        c -> SecretStrategy.nullToEmpty(c.getData()).size() + SecretStrategy.nullToEmpty(c.getBinaryData()).size()),
                TableColumn.ageColumn());
    }
}
