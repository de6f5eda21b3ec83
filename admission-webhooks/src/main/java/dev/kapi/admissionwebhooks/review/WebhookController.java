package dev.kapi.admissionwebhooks.review;

import org.springframework.beans.factory.ObjectProvider;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Serves each enabled {@link AdmissionWebhook} at its path ({@code POST /mutate/<name>},
 * {@code POST /validate/<name>}) and {@code GET /healthz} for probes. A bad review is a 400, a webhook that is
 * not enabled a 404, both with a {@code Status} body. The body is read as sent, whatever its Content-Type
 * (the API server sends application/json; {@code curl -d} says form data).
 */
@RestController
public class WebhookController {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookController.class);

    /** An AdmissionReview holds an object and its old version, each at most etcd's 1.5 MiB, plus some. */
    static final int MAX_BODY = 8 * 1024 * 1024;

    private final Map<String, AdmissionWebhook> byPath;

    public WebhookController(ObjectProvider<AdmissionWebhook> webhooks) {
        this.byPath = webhooks.stream().collect(Collectors.toUnmodifiableMap(AdmissionWebhook::path,
                Function.identity()));
    }

    @PostMapping("/{type:mutate|validate}/{name}")
    ResponseEntity<byte[]> review(@PathVariable String type, @PathVariable String name, HttpServletRequest request)
            throws IOException {
        String path = "/" + type + "/" + name;
        AdmissionWebhook webhook = byPath.get(path);
        if (webhook == null) {
            return json(404, ReviewCodec.error(404, "no webhook is served at " + path
                    + ": it is not enabled (webhooks." + name + ".enabled) or has another path"));
        }
        byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            return json(413, ReviewCodec.error(413, "the AdmissionReview is larger than " + MAX_BODY + " bytes"));
        }
        Review review;
        try {
            review = ReviewCodec.parse(body);
        } catch (BadReviewException e) {
            LOG.debug("{}: bad request: {}", path, e.getMessage());
            return json(400, ReviewCodec.error(400, e.getMessage()));
        }
        Verdict verdict = webhook.review(review);
        if (!verdict.allowed()) {
            LOG.info("{} denied {} {} in namespace \"{}\": {}", webhook.name(), review.operation(),
                    review.describeObject(), review.namespace(), verdict.message());
        }
        return json(200, ReviewCodec.response(review.request().getUid(), verdict));
    }

    @GetMapping(path = "/healthz", produces = MediaType.TEXT_PLAIN_VALUE)
    String healthz() {
        return "ok";
    }

    private static ResponseEntity<byte[]> json(int status, byte[] body) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
