package dev.kapi.apiserver.bench;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.server.tls.Pem;
import tools.jackson.databind.node.ObjectNode;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A validating admission webhook on this machine for the benchmark: HTTPS on 127.0.0.1 with a certificate from
 * its own CA, one virtual thread per request; reads each AdmissionReview and allows it, echoing the uid, as a
 * minimal real webhook does. Counts the reviews it answered.
 */
final class AllowingWebhook implements AutoCloseable {

    private final HttpsServer server;
    private final String caBundle;
    private final AtomicLong reviews = new AtomicLong();

    AllowingWebhook() throws IOException, GeneralSecurityException {
        Certificates.Issued ca = Certificates.selfSignedCa("bench-webhook-ca", Duration.ofHours(2));
        Certificates.Issued serving = Certificates.serving(ca, "127.0.0.1", List.of("127.0.0.1"), Duration.ofHours(2));
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(Certificates.keyManagers(serving.key(), List.of(serving.certificate())), null, null);
        caBundle = Base64.getEncoder().encodeToString(
                Pem.certificates(List.of(ca.certificate())).getBytes(StandardCharsets.US_ASCII));
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/validate", exchange -> {
            byte[] answer;
            try (InputStream in = exchange.getRequestBody()) {
                ObjectNode review = Json.object(in.readAllBytes());
                String uid = review.path("request").path("uid").asString("");
                answer = ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\""
                        + uid + "\",\"allowed\":true}}").getBytes(StandardCharsets.UTF_8);
            }
            reviews.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/validate";
    }

    String caBundle() {
        return caBundle;
    }

    long reviews() {
        return reviews.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
