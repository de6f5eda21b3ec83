package dev.kapi.apiserver.bench;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ObjectCodec;
import dev.kapi.apiserver.registry.StoredJson;
import dev.kapi.apiserver.storage.KeyValue;
import io.fabric8.kubernetes.api.model.ConfigMap;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The in-process cost of answering a list of 10,000 stored ConfigMaps as JSON, without HTTP and storage:
 * decoding each stored value and encoding the object (the path for converted versions and filtered lists)
 * beside splicing the stored JSON ({@link StoredJson}). Argument: a file with one served ConfigMap's JSON (its
 * stored form is derived from it). Prints the median ms per 10,000 of 30 repetitions after a warm-up.
 */
public final class EncodeProfile {

    private EncodeProfile() {
    }

    public static void main(String[] args) throws Exception {
        ConfigMap sample = Json.read(Files.readAllBytes(Path.of(args[0])), ConfigMap.class);
        KeyValue[] kvs = new KeyValue[10_000];
        for (int i = 0; i < kvs.length; i++) {
            sample.getMetadata().setName("l-" + i);
            kvs[i] = new KeyValue("/registry/configmaps/bench-list/l-" + i, ObjectCodec.encode(sample), i, 100_000 + i);
        }
        for (int round = 0; round < 3; round++) {
            double decode = median(() -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream(8 << 20);
                for (KeyValue kv : kvs) {
                    out.write(Json.bytes(ObjectCodec.decode(kv, ConfigMap.class)));
                }
                return out.size();
            });
            double splice = median(() -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream(8 << 20);
                for (KeyValue kv : kvs) {
                    StoredJson.of(kv.value(), kv.modRevision(), "v1", "ConfigMap").writeTo(out);
                }
                return out.size();
            });
            System.out.printf(Locale.ROOT, "round %d: 10,000 ConfigMaps (%d B stored each): decode+encode %.1f ms, "
                    + "stored JSON splice %.1f ms (%.1fx)%n", round, kvs[0].value().length, decode, splice, decode / splice);
        }
    }

    private interface Run {
        int run() throws Exception;
    }

    private static double median(Run run) throws Exception {
        double[] ms = new double[30];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            run.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }
}
