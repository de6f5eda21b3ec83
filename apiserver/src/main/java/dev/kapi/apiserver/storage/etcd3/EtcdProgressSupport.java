package dev.kapi.apiserver.storage.etcd3;

import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether every etcd member answers a progress request in order with its watch events: etcd before 3.4.31
 * and 3.5.13 may send the requested progress notification ahead of events still queued for the stream
 * (etcd-io/etcd#15220, #17507), and a watch that trusts it skips those events. kube-apiserver checks the
 * same versions before it asks etcd for progress (its RequestWatchProgress storage feature); so does Kapi.
 * Without it the etcd hub answers a progress request itself, with the revision its watch delivered.
 *
 * <p>The versions are read once every member answered (etcd's Status call); until then the answer is
 * "no" and the members are asked again at most every {@link #RETRY}.
 */
final class EtcdProgressSupport {

    static final Duration RETRY = Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger(EtcdProgressSupport.class.getName());
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+).*");

    private final EtcdMemberStatus memberStatus;
    private final List<String> endpoints;
    private volatile Boolean known;
    private volatile long nextCheckNanos = System.nanoTime();

    EtcdProgressSupport(EtcdMemberStatus memberStatus, List<String> endpoints) {
        this.memberStatus = memberStatus;
        this.endpoints = List.copyOf(endpoints);
    }

    /** True once every member is known to answer progress requests in order. */
    boolean supported() {
        Boolean answer = known;
        if (answer != null) {
            return answer;
        }
        if (System.nanoTime() - nextCheckNanos < 0) {
            return false;
        }
        synchronized (this) {
            if (known == null && System.nanoTime() - nextCheckNanos >= 0) {
                nextCheckNanos = System.nanoTime() + RETRY.toNanos();
                known = check();
            }
            return known != null && known;
        }
    }

    /** True when every member is already known to answer in order; never asks them (for threads that must not wait). */
    boolean knownSupported() {
        return Boolean.TRUE.equals(known);
    }

    /** True or false when every member's version was read; null when one could not be asked. */
    private Boolean check() {
        boolean all = true;
        for (String endpoint : endpoints) {
            String version;
            try {
                version = memberStatus.read(endpoint).getVersion();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (Exception e) {
                LOG.log(Level.FINE, "cannot read the version of etcd at " + endpoint, e);
                return null;
            }
            if (!ordersProgress(version)) {
                LOG.info("etcd " + version + " at " + endpoint + " may send requested watch progress ahead of "
                        + "its events (fixed in 3.4.31 and 3.5.13): it is not asked for progress; consistent reads "
                        + "come from the watch cache only once its watch has seen etcd's current revision");
                all = false;
            }
        }
        return all;
    }

    /** Whether etcd {@code version} (e.g. {@code 3.5.13}) sends requested progress in order with events. */
    static boolean ordersProgress(String version) {
        Matcher m = VERSION.matcher(version == null ? "" : version);
        if (!m.matches()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        int patch = Integer.parseInt(m.group(3));
        if (major != 3) {
            return major > 3;
        }
        return switch (minor) {
            case 4 -> patch >= 31;
            case 5 -> patch >= 13;
            default -> minor > 5;
        };
    }
}
