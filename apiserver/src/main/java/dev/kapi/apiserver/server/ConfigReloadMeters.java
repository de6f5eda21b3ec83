package dev.kapi.apiserver.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * kube's two meters of a configuration file read again while the server runs, for {@code authorization} or
 * {@code authentication}: {@code apiserver_<kind>_config_controller_automatic_reloads_total{status,apiserver_id_hash}}
 * and {@code apiserver_<kind>_config_controller_automatic_reload_last_timestamp_seconds{status,apiserver_id_hash}},
 * whose hash is kube's ({@code sha256:} and the hex SHA-256 of the server's identity, its identity lease's name).
 */
final class ConfigReloadMeters {

    private final TaggedMeters<Counter> reloads;
    private final TaggedMeters<AtomicReference<Double>> reloadTimes;
    private final Supplier<String> serverId;

    /** @param serverId the server's identity (kube's APIServerID), asked when a reload is counted */
    ConfigReloadMeters(MeterRegistry meters, String kind, Supplier<String> serverId) {
        this.serverId = serverId;
        String prefix = "apiserver." + kind + ".config.controller.automatic.";
        reloads = new TaggedMeters<>(values -> Counter.builder(prefix + "reloads")
                .description("Total number of automatic reloads of " + kind + " configuration split by status and "
                        + "apiserver identity.")
                .tags("status", values.get(0), "apiserver_id_hash", values.get(1)).register(meters));
        reloadTimes = new TaggedMeters<>(values -> {
            AtomicReference<Double> seconds = new AtomicReference<>(0.0);
            Gauge.builder(prefix + "reload.last.timestamp.seconds", seconds, AtomicReference::get)
                    .description("Timestamp of the last automatic reload of " + kind + " configuration split by "
                            + "status and apiserver identity.")
                    .tags("status", values.get(0), "apiserver_id_hash", values.get(1)).register(meters);
            return seconds;
        });
    }

    /** One reload (or a failed attempt) counted, and its time kept. */
    void reloaded(boolean succeeded) {
        String status = succeeded ? "success" : "failure";
        String hash = idHash(serverId.get());
        reloads.get(status, hash).increment();
        reloadTimes.get(status, hash).set(System.currentTimeMillis() / 1000.0);
    }

    /** kube's {@code getHash}: {@code sha256:} and the hex digest of the id. */
    static String idHash(String id) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest((id == null ? "" : id).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
