package dev.kapi.apiserver.server;

import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Slow clients cannot hold connections: a connection that has not finished its TLS handshake within 10 s,
 * or sent its complete request headers within 32 s (kube-apiserver's {@code ReadHeaderTimeout}), is
 * closed ({@link ConnectionDeadlines}); watches and idle kept-alive connections keep their own timeouts.
 * The bounds are the hidden properties {@code kapi.tls-handshake-timeout} and
 * {@code kapi.request-header-timeout}, for tests.
 */
@Component
public class SlowClientTimeouts implements JettyServerCustomizer {

    private final Duration headerTimeout;
    private final Duration handshakeTimeout;

    public SlowClientTimeouts(@Value("${kapi.request-header-timeout:32s}") Duration headerTimeout,
                              @Value("${kapi.tls-handshake-timeout:10s}") Duration handshakeTimeout) {
        this.headerTimeout = headerTimeout;
        this.handshakeTimeout = handshakeTimeout;
    }

    @Override
    public void customize(Server server) {
        for (Connector connector : server.getConnectors()) {
            if (connector instanceof AbstractConnector c) {
                c.addBean(new ConnectionDeadlines(c.getScheduler(), headerTimeout, handshakeTimeout));
            }
        }
    }
}
