package dev.kapi.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * One column of the Table output ({@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}) as
 * kube-apiserver's printers define it: name, type ({@code string}, {@code integer}, {@code date}), format
 * ({@code name} for the Name column), description, priority (0 = shown by default, 1 = only with
 * {@code -o wide}) and how to compute the cell.
 */
public record TableColumn<T extends HasMetadata>(String name, String type, String format, String description,
                                                 int priority, Function<T, Object> cell) {

    public static <T extends HasMetadata> TableColumn<T> nameColumn() {
        return new TableColumn<>("Name", "string", "name",
                "Name must be unique within a namespace.", 0, o -> o.getMetadata().getName());
    }

    public static <T extends HasMetadata> TableColumn<T> ageColumn() {
        return new TableColumn<>("Age", "string", "",
                "CreationTimestamp is a timestamp representing the server time when this object was created.", 0,
                o -> age(o.getMetadata().getCreationTimestamp()));
    }

    public static <T extends HasMetadata> TableColumn<T> of(String name, String type, String description,
                                                           Function<T, Object> cell) {
        return new TableColumn<>(name, type, "", description, 0, cell);
    }

    public static <T extends HasMetadata> TableColumn<T> wide(String name, String type, String description,
                                                             Function<T, Object> cell) {
        return new TableColumn<>(name, type, "", description, 1, cell);
    }

    public static <T extends HasMetadata> List<TableColumn<T>> defaults() {
        return List.of(nameColumn(), ageColumn());
    }

    /** kubectl's short human duration since a timestamp: 5s, 3m, 2d4h, ... ("&lt;unknown&gt;" when unset). */
    public static String age(String timestamp) {
        if (timestamp == null || timestamp.isEmpty()) {
            return "<unknown>";
        }
        return humanDuration(Duration.between(Instant.parse(timestamp), Instant.now()));
    }

    /** The format of apimachinery's {@code duration.HumanDuration}. */
    public static String humanDuration(Duration d) {
        long seconds = Math.max(0, d.getSeconds());
        if (seconds < 120) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        }
        if (minutes < 180) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        }
        if (hours < 48) {
            return hours + "h";
        }
        if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? (hours / 24) + "d" : (hours / 24) + "d" + h + "h";
        }
        if (hours < 24 * 365 * 2) {
            return (hours / 24) + "d";
        }
        if (hours < 24 * 365 * 8) {
            long dy = (hours / 24) % 365;
            return dy == 0 ? (hours / 24 / 365) + "y" : (hours / 24 / 365) + "y" + dy + "d";
        }
        return (hours / 24 / 365) + "y";
    }
}
