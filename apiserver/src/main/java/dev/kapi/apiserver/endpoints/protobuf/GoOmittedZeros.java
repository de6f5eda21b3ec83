package dev.kapi.apiserver.endpoints.protobuf;

import com.google.protobuf.ByteString;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Which zero values Go's encoding/json leaves out: a non-pointer string, bool or number field tagged
 * {@code omitempty} holding "", false or 0 (the list, {@code omitempty-scalars.txt} beside this class, says how it
 * was derived). Go's protobuf code writes such fields even when zero, so a protobuf body from kubectl or client-go
 * carries e.g. {@code DeploymentSpec.paused: false}, {@code Container.tty: false} and {@code hostPort: 0}: kube
 * decodes them into its Go struct and never shows or stores them, so neither may we (they would also be owned by
 * the writer's field manager, and a later apply by another manager would conflict with them).
 */
final class GoOmittedZeros {

    private static final Set<String> FIELDS = load();

    private GoOmittedZeros() {
    }

    /**
     * Whether {@code value} of the field with JSON name {@code jsonName} of message {@code messageFullName} is a
     * zero value Go's JSON would omit.
     */
    static boolean omitted(String messageFullName, String jsonName, Object value) {
        return isZero(value) && FIELDS.contains(messageFullName + "." + jsonName);
    }

    private static boolean isZero(Object value) {
        return switch (value) {
            case String s -> s.isEmpty();
            case Boolean b -> !b;
            case Integer i -> i == 0;
            case Long l -> l == 0;
            case Double d -> d == 0;
            case Float f -> f == 0;
            case ByteString b -> false; // []byte fields are slices: never in the list
            default -> false;
        };
    }

    private static Set<String> load() {
        Set<String> fields = new HashSet<>();
        try (InputStream in = GoOmittedZeros.class.getResourceAsStream("omitempty-scalars.txt")) {
            if (in == null) {
                throw new IllegalStateException("omitempty-scalars.txt is missing from the class path");
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    fields.add(line.strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(fields);
    }
}
