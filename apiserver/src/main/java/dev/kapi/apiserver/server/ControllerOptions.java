package dev.kapi.apiserver.server;

import dev.kapi.apiserver.controllers.ControllerSelection;
import dev.kapi.apiserver.controllers.ControllerSettings;
import dev.kapi.apiserver.controllers.LeaderElection;
import dev.kapi.apiserver.controllers.nodes.SimulatedNodesControllers;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * The flags of the controllers Kapi runs in process, by kube-controller-manager's names: {@code --controllers}
 * (default {@code *}), {@code --leader-elect} (default true), {@code --leader-elect-lease-duration} (15s),
 * {@code --leader-elect-renew-deadline} (10s), {@code --leader-elect-retry-period} (2s); and Kapi's simulated
 * nodes: {@code --simulated-nodes} (default 0: none) and {@code --simulated-job-run-time} (default 2s, how long a
 * Job's pod runs on a simulated node before it succeeds). A bad value stops the start with the flag's name.
 */
@Component
public class ControllerOptions {

    private final ControllerSettings settings;

    public ControllerOptions(@Value("${controllers:*}") String controllers,
                             @Value("${leader-elect:true}") String leaderElect,
                             @Value("${leader-elect-lease-duration:15s}") String leaseDuration,
                             @Value("${leader-elect-renew-deadline:10s}") String renewDeadline,
                             @Value("${leader-elect-retry-period:2s}") String retryPeriod,
                             @Value("${simulated-nodes:0}") String simulatedNodes,
                             @Value("${simulated-job-run-time:2s}") String simulatedJobRunTime,
                             @Value("${bind-address:0.0.0.0}") String bindAddress,
                             @Value("${secure-port:6443}") int securePort) {
        ControllerSelection selection;
        try {
            selection = ControllerSelection.parse(controllers);
        } catch (IllegalArgumentException e) {
            throw new StartupFailure("--controllers: " + e.getMessage());
        }
        boolean elect = switch (leaderElect.trim()) {
            case "true", "" -> true;
            case "false" -> false;
            default -> throw new StartupFailure("--leader-elect: \"" + leaderElect + "\" is not true or false");
        };
        LeaderElection election;
        try {
            election = new LeaderElection(elect, LeaderElection.NAMESPACE, LeaderElection.LEASE,
                    LeaderElection.identity(hostname(), bindAddress, securePort),
                    duration("leader-elect-lease-duration", leaseDuration),
                    duration("leader-elect-renew-deadline", renewDeadline),
                    duration("leader-elect-retry-period", retryPeriod));
        } catch (IllegalArgumentException e) {
            throw new StartupFailure(e.getMessage());
        }
        int nodes;
        try {
            nodes = Integer.parseInt(simulatedNodes.trim());
        } catch (NumberFormatException e) {
            throw new StartupFailure("--simulated-nodes: \"" + simulatedNodes + "\" is not a number");
        }
        if (nodes < 0 || nodes > SimulatedNodesControllers.MAX_NODES) {
            throw new StartupFailure("--simulated-nodes must be between 0 and " + SimulatedNodesControllers.MAX_NODES
                    + ", not " + nodes);
        }
        this.settings = new ControllerSettings(selection, election, nodes,
                duration("simulated-job-run-time", simulatedJobRunTime), null);
    }

    public ControllerSettings settings() {
        return settings;
    }

    /** A Go duration flag's value ("" or 0: zero); a bad one stops the start naming the flag. */
    static Duration duration(String flag, String value) {
        try {
            Duration d = TokenConfig.parseGoDuration(value);
            return d == null ? Duration.ZERO : d;
        } catch (IllegalArgumentException e) {
            throw new StartupFailure("--" + flag + ": " + e.getMessage());
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
