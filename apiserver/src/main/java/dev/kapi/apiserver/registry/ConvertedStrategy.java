package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.FieldError;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The strategy of a version served through a {@link ConvertedStorageForm}: kube validates and prints the
 * internal form whatever version a request names, so this one converts the object to the form {@code inner}
 * knows (the stored one) and asks it: validation (field paths as {@code inner} names them, as kube's),
 * warnings, table columns. Defaults are the served version's own ({@code defaults}); selectable fields are
 * {@code inner}'s under the served version's field labels ({@code fieldLabels}: served label to inner label;
 * kube's field label conversion), every inner field when the map is null.
 *
 * @param <T> the served class
 * @param <S> the class {@code inner} handles
 */
public final class ConvertedStrategy<T extends HasMetadata, S extends HasMetadata> implements ResourceStrategy<T> {

    private final ResourceStrategy<S> inner;
    private final Function<T, S> convert;
    private final Consumer<T> defaults;
    private final Map<String, String> fieldLabels;

    public ConvertedStrategy(ResourceStrategy<S> inner, Function<T, S> convert, Consumer<T> defaults,
                             Map<String, String> fieldLabels) {
        this.inner = inner;
        this.convert = convert;
        this.defaults = defaults;
        this.fieldLabels = fieldLabels;
    }

    @Override
    public void applyDefaults(T obj) {
        defaults.accept(obj);
    }

    @Override
    public List<String> validateName(String name) {
        return inner.validateName(name);
    }

    @Override
    public List<FieldError> validate(T obj) {
        return inner.validate(convert.apply(obj));
    }

    @Override
    public List<FieldError> validateUpdate(T obj, T old) {
        return inner.validateUpdate(convert.apply(obj), convert.apply(old));
    }

    @Override
    public List<FieldError> validateStatusUpdate(T obj, T old) {
        return inner.validateStatusUpdate(convert.apply(obj), convert.apply(old));
    }

    @Override
    public List<String> warnings(T obj) {
        return inner.warnings(convert.apply(obj));
    }

    @Override
    public Map<String, String> selectableFields(T obj) {
        Map<String, String> fields = inner.selectableFields(convert.apply(obj));
        if (fieldLabels == null) {
            return fields;
        }
        Map<String, String> served = new LinkedHashMap<>();
        fieldLabels.forEach((label, innerLabel) -> {
            if (fields.containsKey(innerLabel)) {
                served.put(label, fields.get(innerLabel));
            }
        });
        return served;
    }

    @Override
    public boolean allowCreateOnUpdate() {
        return inner.allowCreateOnUpdate();
    }

    @Override
    public GarbageCollectionPolicy defaultGarbageCollectionPolicy() {
        return inner.defaultGarbageCollectionPolicy();
    }

    @Override
    public List<TableColumn<T>> tableColumns() {
        return inner.tableColumns().stream().map(c -> new TableColumn<T>(c.name(), c.type(), c.format(),
                c.description(), c.priority(), obj -> c.cell().apply(convert.apply(obj)))).toList();
    }

    @Override
    public List<TableRowCondition> tableRowConditions(T obj) {
        return inner.tableRowConditions(convert.apply(obj));
    }
}
