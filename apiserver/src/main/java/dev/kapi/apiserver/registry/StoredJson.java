package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.GoZeroValues;
import dev.kapi.apiserver.storage.KeyValue;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The served JSON of an object straight from its stored JSON, without decoding it: the stored bytes with
 * {@code "resourceVersion":"<modRevision>"} inserted in {@code metadata} where Jackson writes it for a decoded
 * object (ObjectMeta's property order: after {@code ownerReferences}, before {@code selfLink} and {@code uid}).
 *
 * <p>This is byte for byte what decoding and re-encoding answers, because every stored value is written by
 * {@link ObjectCodec#encode} (the same mapper, no whitespace, the class's property order) and that encoding is
 * stable through a decode. The parse here checks the part it splices: the value must start with
 * {@code apiVersion} and {@code kind} equal to the served ones, then {@code metadata} as an object whose keys
 * are ObjectMeta's own, in ObjectMeta's order, without {@code resourceVersion} or {@code selfLink}; anything
 * else (a value stored by another writer, unknown metadata fields, what {@link #plain} refuses) answers null,
 * and the caller decodes. It reads the bytes itself (no parser): a few hundred nanoseconds per object.
 * The rest of the value after {@code metadata} is copied as stored.
 */
public final class StoredJson {

    /** fabric8 ObjectMeta's {@code @JsonPropertyOrder}: the order Jackson writes the known fields in. */
    private static final List<String> META_ORDER = List.of("annotations", "creationTimestamp",
            "deletionGracePeriodSeconds", "deletionTimestamp", "finalizers", "generateName", "generation", "labels",
            "managedFields", "name", "namespace", "ownerReferences", "resourceVersion", "selfLink", "uid");
    private static final int RESOURCE_VERSION = META_ORDER.indexOf("resourceVersion");
    private static final int SELF_LINK = META_ORDER.indexOf("selfLink");

    /** A splice's offset (shifted left by 2) and how its resourceVersion is written (the low 2 bits). */
    private static final int BEFORE_KEY = 0;
    private static final int ALONE = 1;
    private static final int AFTER_KEYS = 2;
    private static final int NOT_SPLICEABLE = -1;

    private static final int METADATA_KEY = "\"metadata\":{".length();

    private final byte[] value;
    private final int at;
    private final byte[] insert;
    /** Where {@code "metadata"} starts: what precedes it is {@code {"apiVersion":…,"kind":…,}. */
    private final int metadataKey;

    private StoredJson(byte[] value, int at, byte[] insert, int metadataKey) {
        this.value = value;
        this.at = at;
        this.insert = insert;
        this.metadataKey = metadataKey;
    }

    /**
     * The served form of {@code value} stored at {@code modRevision}, or null when the value is not in the form
     * this splice can prove (then decode it).
     */
    public static StoredJson of(byte[] value, long modRevision, String apiVersion, String kind) {
        int meta = metadataStart(value, apiVersion, kind);
        return meta < 0 ? null : at(value, modRevision, plain(value) ? splice(value, meta) : NOT_SPLICEABLE, meta);
    }

    /**
     * {@link #of(byte[], long, String, String)} of a stored entry, working out where to splice once per entry
     * and keeping it as the entry's {@link KeyValue#memo()}: the watch cache hands the same entry to every
     * read, so each further read checks only the value's first bytes.
     */
    public static StoredJson of(KeyValue kv, String apiVersion, String kind) {
        byte[] value = kv.value();
        int meta = metadataStart(value, apiVersion, kind);
        if (meta < 0) {
            return null;
        }
        int splice = kv.memo();
        if (splice == KeyValue.NO_MEMO) {
            splice = plain(value) ? splice(value, meta) : NOT_SPLICEABLE;
            kv.memo(splice);
        }
        return at(value, kv.modRevision(), splice, meta);
    }

    /** The offset after {@code "metadata":{} when the value starts with the served apiVersion and kind, or -1. */
    static int metadataStart(byte[] value, String apiVersion, String kind) {
        int i = literal(value, 0, "{\"apiVersion\":\"");
        i = literal(value, i, apiVersion);
        i = literal(value, i, "\",\"kind\":\"");
        i = literal(value, i, kind);
        return literal(value, i, "\",\"metadata\":{");
    }

    /**
     * Where in the {@link #plain} {@code value} whose metadata's keys start at {@code i} the resourceVersion
     * goes (encoded as the splice constants say), or {@link #NOT_SPLICEABLE}.
     */
    private static int splice(byte[] value, int i) {
        int last = -1;
        int at = -1;
        while (i < value.length && value[i] != '}') {
            int keyStart = i;
            int index = metaIndex(value, i);
            if (index <= last || index == RESOURCE_VERSION || index == SELF_LINK) {
                return NOT_SPLICEABLE; // unknown, repeated, out of order, or a field the stored form never has
            }
            if (index > RESOURCE_VERSION && at < 0) {
                at = keyStart;
            }
            last = index;
            i = skipValue(value, keyStart + META_ORDER.get(index).length() + 3);
            if (i < 0 || i >= value.length || value[i] != ',' && value[i] != '}') {
                return NOT_SPLICEABLE;
            }
            if (value[i] == ',') {
                i++;
            }
        }
        if (i >= value.length) {
            return NOT_SPLICEABLE;
        }
        if (at >= 0) {
            return at << 2 | BEFORE_KEY;
        }
        return i << 2 | (last < 0 ? ALONE : AFTER_KEYS);
    }

    private static StoredJson at(byte[] value, long modRevision, int splice, int metadataStart) {
        if (splice < 0) {
            return null;
        }
        String rv = "\"resourceVersion\":\"" + modRevision + "\"";
        String insert = switch (splice & 3) {
            case BEFORE_KEY -> rv + ",";
            case ALONE -> rv;
            default -> "," + rv;
        };
        return new StoredJson(value, splice >>> 2, bytes(insert), metadataStart - METADATA_KEY);
    }

    /** The offset after {@code s} (ASCII, nothing to escape) at {@code i}, or -1 when it is not there. */
    private static int literal(byte[] v, int i, String s) {
        if (i < 0 || i + s.length() > v.length) {
            return -1;
        }
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c >= 0x80 || c == '\\' || v[i + k] != c) {
                return -1;
            }
        }
        return i + s.length();
    }

    /** The ObjectMeta order index of the key {@code "name":} at {@code i}, or -1 for any other key. */
    private static int metaIndex(byte[] v, int i) {
        for (int index = 0; index < META_ORDER.size(); index++) {
            String name = META_ORDER.get(index);
            int end = i + name.length() + 1;
            if (end + 1 < v.length && v[i] == '"' && v[end] == '"' && v[end + 1] == ':'
                    && literal(v, i + 1, name) == end) {
                return index;
            }
        }
        return -1;
    }

    /** The offset after the compact JSON value at {@code i} (one {@link #plain} accepted), or -1. */
    private static int skipValue(byte[] v, int i) {
        if (i >= v.length) {
            return -1;
        }
        byte b = v[i];
        if (b == '"') {
            return skipString(v, i);
        }
        if (b != '{' && b != '[') {
            while (i < v.length && v[i] != ',' && v[i] != '}' && v[i] != ']') {
                i++;
            }
            return i;
        }
        int depth = 0;
        while (i < v.length) {
            b = v[i];
            if (b == '"') {
                i = skipString(v, i);
                if (i < 0) {
                    return -1;
                }
                continue;
            }
            if (b == '{' || b == '[') {
                depth++;
            } else if ((b == '}' || b == ']') && --depth == 0) {
                return i + 1;
            }
            i++;
        }
        return -1;
    }

    private static int skipString(byte[] v, int i) {
        for (i++; i < v.length; i++) {
            if (v[i] == '\\') {
                i++;
            } else if (v[i] == '"') {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * Whether {@code value} has none of what Jackson's compact output never has and a decode would not keep:
     * whitespace between tokens, escapes other than {@code \" \\ \b \f \n \r \t} and {@code \}{@code u00XX}
     * (uppercase, for control characters), {@code null} (except as the value of a field written as null when
     * unset, see {@link GoZeroValues}), {@code []}, fractions and exponents (a number a typed field would
     * re-format), {@code -0}. One pass over the bytes.
     */
    static boolean plain(byte[] v) {
        boolean inString = false;
        for (int i = 0; i < v.length; i++) {
            byte b = v[i];
            if (inString) {
                if (b == '"') {
                    inString = false;
                } else if (b == '\\') {
                    if (++i >= v.length || !standardEscape(v, i)) {
                        return false;
                    }
                    if (v[i] == 'u') {
                        i += 4;
                    }
                }
                continue;
            }
            switch (b) {
                case '"' -> inString = true;
                case ' ', '\t', '\n', '\r', '.' -> {
                    return false;
                }
                case 'n' -> {
                    if (!goNull(v, i)) {
                        return false;
                    }
                    i += 3;
                }
                case 'e', 'E' -> { // in true and false, or an exponent after a digit
                    if (i > 0 && v[i - 1] >= '0' && v[i - 1] <= '9') {
                        return false;
                    }
                }
                case '[' -> {
                    if (i + 1 < v.length && v[i + 1] == ']') {
                        return false;
                    }
                }
                case '-' -> {
                    if (i + 1 < v.length && v[i + 1] == '0') {
                        return false;
                    }
                }
                default -> {
                }
            }
        }
        return !inString;
    }

    /**
     * Whether the {@code n} at {@code i} starts a {@code null} that a decode keeps: the value of a key that
     * {@link GoZeroValues} writes as null when unset (an unset time, {@code "lastProbeTime":null}).
     */
    private static boolean goNull(byte[] v, int i) {
        if (i + 3 >= v.length || v[i + 1] != 'u' || v[i + 2] != 'l' || v[i + 3] != 'l' || i < 3
                || v[i - 1] != ':' || v[i - 2] != '"') {
            return false;
        }
        int start = i - 3;
        while (start >= 0 && v[start] != '"') {
            start--;
        }
        return start >= 0 && GoZeroValues.nullFieldNames().contains(
                new String(v, start + 1, i - 3 - start, StandardCharsets.US_ASCII));
    }

    private static boolean standardEscape(byte[] v, int i) {
        return switch (v[i]) {
            case '"', '\\', 'b', 'f', 'n', 'r', 't' -> true;
            case 'u' -> i + 4 < v.length && v[i + 1] == '0' && v[i + 2] == '0' && (v[i + 3] == '0' || v[i + 3] == '1')
                    && (v[i + 4] >= '0' && v[i + 4] <= '9' || v[i + 4] >= 'A' && v[i + 4] <= 'F')
                    && !shortEscaped(v[i + 3], v[i + 4]);
            default -> false;
        };
    }

    /** Control characters Jackson writes as {@code \b \t \n \f \r}, never as {@code \}{@code u00XX}. */
    private static boolean shortEscaped(byte hi, byte lo) {
        return hi == '0' && (lo == '8' || lo == '9' || lo == 'A' || lo == 'C' || lo == 'D');
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The served JSON's length in bytes. */
    public int length() {
        return value.length + insert.length;
    }

    /** Writes the served JSON. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(value, 0, at);
        out.write(insert);
        out.write(value, at, value.length - at);
    }

    /**
     * Writes the served JSON without {@code apiVersion} and {@code kind}: an item of a built-in kind's list, as
     * kube writes it ({@code {"metadata":…}}).
     */
    public void writeUntypedTo(OutputStream out) throws IOException {
        out.write('{');
        out.write(value, metadataKey, at - metadataKey);
        out.write(insert);
        out.write(value, at, value.length - at);
    }

    /** The served JSON. */
    public byte[] bytes() {
        byte[] out = new byte[length()];
        System.arraycopy(value, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(value, at, out, at + insert.length, value.length - at);
        return out;
    }
}
