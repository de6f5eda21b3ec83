package dev.kapi.apiserver.audit;

import java.io.IOException;
import java.util.List;

/**
 * kube's {@code blocking} and {@code blocking-strict} modes: each event is encoded and sent from the request's
 * thread as it happens, so nothing waits in memory to be lost. A send that fails is reported
 * ({@link PluginErrors}) and answered false: the request goes on in {@code blocking} mode and fails with a 500 in
 * {@code blocking-strict} mode (the {@link Auditor} decides).
 */
public final class BlockingBackend implements AuditSink {

    private final EventEncoder encoder;
    private final EventSender sender;
    private final PluginErrors errors;

    /** Events larger than {@code maxEventSize} bytes are truncated, or dropped (0: no limit). */
    public BlockingBackend(String plugin, long maxEventSize, EventSender sender, AuditMetrics metrics) {
        this(new EventEncoder(maxEventSize, metrics), sender, new PluginErrors(plugin, metrics));
    }

    BlockingBackend(EventEncoder encoder, EventSender sender, PluginErrors errors) {
        this.encoder = encoder;
        this.sender = sender;
        this.errors = errors;
    }

    @Override
    public boolean process(AuditEvent event) {
        try {
            byte[] json = encoder.encode(event);
            if (json != null) {
                sender.send(List.of(json));
            }
            return true;
        } catch (IOException | RuntimeException e) {
            errors.report(1, String.valueOf(e.getMessage()));
            return false;
        }
    }
}
