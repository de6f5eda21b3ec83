package dev.kapi.apiserver.endpoints.tokens;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.serviceaccount.BoundObject;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountRef;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountTokenGenerator;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountTokenOptions;
import dev.kapi.apiserver.endpoints.handlers.ObjectDecoder;
import dev.kapi.apiserver.endpoints.handlers.ObjectWriter;
import dev.kapi.apiserver.endpoints.handlers.RequestScope;
import dev.kapi.apiserver.endpoints.handlers.VerbHandler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authentication.BoundObjectReference;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestSpec;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestStatus;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Consumer;

/**
 * POST {@code serviceaccounts/<name>/token} (kube's {@code TokenREST}): reads an authentication.k8s.io/v1
 * TokenRequest, checks the ServiceAccount (404 when missing) and the bound Pod/Secret/Node, and answers
 * 201 with the request completed by {@code status.token} and {@code status.expirationTimestamp}.
 * {@code expirationSeconds} defaults to 3600, must be at least 600 and is capped by
 * {@code --service-account-max-token-expiration}; audiences default to the API audiences. A token bound to a
 * scheduled Pod also names the pod's Node (its uid too when the Node exists), as kube 1.32 does.
 */
public final class TokenRequestHandler implements VerbHandler {

    static final String API_VERSION = "authentication.k8s.io/v1";
    static final long DEFAULT_EXPIRATION_SECONDS = 3600;
    static final long MIN_EXPIRATION_SECONDS = 600;
    static final long MAX_EXPIRATION_SECONDS = 1L << 32;

    private final ServiceAccountTokenGenerator generator;
    private final ServiceAccountTokenOptions options;
    private final BoundObjects boundObjects;
    private final Clock clock;

    public TokenRequestHandler(ServiceAccountTokenGenerator generator, ServiceAccountTokenOptions options,
                               BoundObjects boundObjects, Clock clock) {
        this.generator = generator;
        this.options = options;
        this.boundObjects = boundObjects;
        this.clock = clock;
    }

    @Override
    public void handle(RequestScope scope) throws IOException {
        boolean dryRun = scope.dryRun();
        TokenRequest req = ObjectDecoder.readObject(scope, TokenRequest.class, API_VERSION, "TokenRequest");
        TokenRequestSpec spec = req.getSpec() == null ? new TokenRequestSpec() : req.getSpec();
        if (spec.getExpirationSeconds() == null) {
            spec.setExpirationSeconds(DEFAULT_EXPIRATION_SECONDS); // kube's defaulting, done when it decodes
        }
        req.setSpec(spec);
        TokenRequest answer = scope.writes().create(scope.writeScope(), scope.name(), req,
                scope.createOptions(dryRun), (admitted, validation) -> issue(scope, admitted, validation));
        ObjectWriter.writeRaw(scope, 201, answer);
    }

    /**
     * kube's {@code TokenREST.Create}: a name in the body must be the URL's, the ServiceAccount must exist, the
     * request is completed (name, namespace, audiences) and validated, then validating admission sees it, then
     * the bound object is checked and the token issued.
     */
    private TokenRequest issue(RequestScope scope, TokenRequest req, Consumer<TokenRequest> validation) {
        String ns = scope.namespace();
        String name = scope.name();
        ObjectMeta meta = req.getMetadata() == null ? new ObjectMeta() : req.getMetadata();
        scope.checkObjectNamespace(req);
        checkName(meta, name);
        ServiceAccount sa = (ServiceAccount) scope.store().get(ns, name);
        TokenRequestSpec spec = req.getSpec() == null ? new TokenRequestSpec() : req.getSpec();
        long requested = validExpirationSeconds(spec, name);
        List<String> audiences = spec.getAudiences() == null || spec.getAudiences().isEmpty()
                ? options.apiAudiences() : spec.getAudiences();
        meta.setName(name);
        meta.setNamespace(ns);
        req.setMetadata(meta);
        req.setApiVersion(API_VERSION);
        req.setKind("TokenRequest");
        spec.setAudiences(audiences);
        spec.setExpirationSeconds(requested);
        req.setSpec(spec);
        req.setStatus(null);
        validation.accept(req);

        BoundObject bound = bound(spec.getBoundObjectRef(), ns, name);
        long seconds = capped(requested);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiry = now.plusSeconds(seconds);
        String token = generator.issue(new ServiceAccountRef(ns, name, sa.getMetadata().getUid()), audiences,
                now, expiry, bound);
        spec.setExpirationSeconds(seconds);
        req.setStatus(new TokenRequestStatus(DateTimeFormatter.ISO_INSTANT.format(expiry), token));
        return req;
    }

    /** kube's token.go: a name in the body must be the ServiceAccount's (422, before the account is read). */
    private static void checkName(ObjectMeta meta, String name) {
        if (meta.getName() != null && !meta.getName().isEmpty() && !meta.getName().equals(name)) {
            throw StatusError.invalid("TokenRequest", "authentication.k8s.io", name, List.of(FieldError.invalid(
                    "metadata.name", meta.getName(), "must match the service account name if specified")));
        }
    }

    private static long validExpirationSeconds(TokenRequestSpec spec, String name) {
        long seconds = spec.getExpirationSeconds() == null ? DEFAULT_EXPIRATION_SECONDS : spec.getExpirationSeconds();
        if (seconds < MIN_EXPIRATION_SECONDS) {
            throw invalid(name, seconds, "may not specify a duration less than 10 minutes");
        }
        if (seconds > MAX_EXPIRATION_SECONDS) {
            throw invalid(name, seconds, "may not specify a duration larger than 2^32 seconds");
        }
        return seconds;
    }

    /** {@code --service-account-max-token-expiration} caps what was asked. */
    private long capped(long seconds) {
        return options.maxExpiration() != null && seconds > options.maxExpiration().toSeconds()
                ? options.maxExpiration().toSeconds() : seconds;
    }

    private static StatusError invalid(String name, long seconds, String detail) {
        return StatusError.invalid("TokenRequest", "authentication.k8s.io", name,
                List.of(FieldError.invalid("spec.expirationSeconds", seconds, detail)));
    }

    private BoundObject bound(BoundObjectReference ref, String ns, String saName) {
        if (ref == null) {
            return null;
        }
        String apiVersion = ref.getApiVersion() == null ? "" : ref.getApiVersion();
        String kind = ref.getKind() == null ? "" : ref.getKind();
        boolean core = apiVersion.isEmpty() || apiVersion.equals("v1");
        if (!core || !(kind.equals("Pod") || kind.equals("Secret") || kind.equals("Node"))) {
            String gvk = (apiVersion.contains("/") ? apiVersion : "/" + apiVersion) + ", Kind=" + kind;
            throw StatusError.badRequest("cannot bind token to object of type " + gvk);
        }
        HasMetadata obj = boundObjects.get(kind, kind.equals("Node") ? null : ns, ref.getName());
        BoundObject.PodNode node = null;
        if (obj instanceof Pod pod) {
            String podSa = pod.getSpec() == null || pod.getSpec().getServiceAccountName() == null ? ""
                    : pod.getSpec().getServiceAccountName();
            if (!podSa.equals(saName)) {
                throw StatusError.badRequest("cannot bind token for serviceaccount \"" + saName
                        + "\" to pod running with different serviceaccount name.");
            }
            node = podNode(pod);
        }
        String uid = obj.getMetadata().getUid();
        if (ref.getUid() != null && !ref.getUid().isEmpty() && !ref.getUid().equals(uid)) {
            throw StatusError.conflict(new GroupResource("", kind), ref.getName(), "the UID in the bound object "
                    + "reference (" + ref.getUid() + ") does not match the UID in record. The object might have "
                    + "been deleted and then recreated");
        }
        return new BoundObject(kind, ref.getName(), uid, node);
    }

    /**
     * The node a pod is scheduled to (kube's ServiceAccountTokenPodNodeInfo): none before it is scheduled; the
     * Node's name and uid, or only the name when no such Node exists (so the token still tells where the pod
     * runs). Any other failure to read the Node is a 500.
     */
    private BoundObject.PodNode podNode(Pod pod) {
        String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (nodeName == null || nodeName.isEmpty()) {
            return null;
        }
        try {
            return new BoundObject.PodNode(nodeName, boundObjects.get("Node", null, nodeName).getMetadata().getUid());
        } catch (StatusError e) {
            if (e.code() == 404) {
                return new BoundObject.PodNode(nodeName, null);
            }
            throw StatusError.internal(e.status().getMessage());
        }
    }
}
