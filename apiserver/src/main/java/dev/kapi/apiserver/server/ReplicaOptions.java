package dev.kapi.apiserver.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The flags of running several replicas on one storage, as kube-apiserver names them:
 * {@code --advertise-address} (the IP this replica publishes in {@code default/endpoints/kubernetes}; default,
 * kube's rule: the {@code --bind-address} when it is neither unspecified nor loopback, else the first address of
 * the host's default-route interface) and {@code --endpoint-reconciler-type} ({@code lease}, the default, or
 * {@code none}; kube's deprecated {@code master-count} is not offered).
 */
@Component
public class ReplicaOptions {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaOptions.class);

    /** How the {@code kubernetes} endpoints are kept. */
    public enum ReconcilerType { LEASE, NONE }

    private final String advertiseAddress;
    private final ReconcilerType reconcilerType;

    public ReplicaOptions(@Value("${advertise-address:}") String advertiseAddress,
                          @Value("${endpoint-reconciler-type:lease}") String reconcilerType,
                          @Value("${bind-address:0.0.0.0}") String bindAddress) {
        this.reconcilerType = switch (reconcilerType.trim()) {
            case "lease" -> ReconcilerType.LEASE;
            case "none" -> ReconcilerType.NONE;
            case "master-count" -> throw new StartupFailure("--endpoint-reconciler-type=master-count is not supported"
                    + " (deprecated in kube-apiserver); use lease or none");
            default -> throw new StartupFailure("--endpoint-reconciler-type: unknown value \"" + reconcilerType
                    + "\"; valid values are lease, none");
        };
        this.advertiseAddress = advertiseAddress.isBlank()
                ? defaultAdvertiseAddress(bindAddress) : validIp(advertiseAddress.trim());
    }

    /** {@code --advertise-address}: the IP this replica is reached at, as the endpoints list it. */
    public String advertiseAddress() {
        return advertiseAddress;
    }

    /** {@code --endpoint-reconciler-type}. */
    public ReconcilerType reconcilerType() {
        return reconcilerType;
    }

    private static String validIp(String value) {
        if (!value.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            throw new StartupFailure("--advertise-address: \"" + value + "\" is not an IP address");
        }
        try {
            InetAddress address = InetAddress.getByName(value);
            if (address.isAnyLocalAddress()) {
                throw new StartupFailure("--advertise-address: " + value + " is unspecified; give this replica's IP");
            }
            return address.getHostAddress();
        } catch (UnknownHostException e) {
            throw new StartupFailure("--advertise-address: \"" + value + "\" is not an IP address");
        }
    }

    /** kube's rule ({@code ResolveBindAddress}): a specific bind address, else the host's default-route IP. */
    static String defaultAdvertiseAddress(String bindAddress) {
        try {
            InetAddress bind = InetAddress.getByName(bindAddress.isBlank() ? "0.0.0.0" : bindAddress);
            if (!bind.isAnyLocalAddress() && !bind.isLoopbackAddress()) {
                return bind.getHostAddress();
            }
        } catch (UnknownHostException e) {
            // not an IP: fall through to the host's address
        }
        Optional<String> chosen = hostAddress();
        if (chosen.isEmpty()) {
            LOG.warn("No non-loopback address found for --advertise-address; advertising 127.0.0.1 "
                    + "(set --advertise-address when running several replicas)");
        }
        return chosen.orElse("127.0.0.1");
    }

    /** The first IPv4 address of the interface holding the default route, else of any up, non-loopback one. */
    private static Optional<String> hostAddress() {
        String defaultInterface = defaultRouteInterface();
        Optional<String> onDefault = defaultInterface == null ? Optional.empty() : firstAddress(defaultInterface);
        return onDefault.isPresent() ? onDefault : firstAddress(null);
    }

    private static Optional<String> firstAddress(String defaultInterface) {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (defaultInterface != null && !nic.getName().equals(defaultInterface)) {
                    continue;
                }
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return Optional.of(a.getHostAddress());
                    }
                }
            }
            return Optional.empty();
        } catch (SocketException e) {
            return Optional.empty();
        }
    }

    /** The interface of the IPv4 default route from {@code /proc/net/route}, or null where there is none. */
    private static String defaultRouteInterface() {
        Path routes = Path.of("/proc/net/route");
        if (!Files.isReadable(routes)) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(routes);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 2 && f[1].equals("00000000")) {
                    return f[0];
                }
            }
            return null;
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
    }
}
