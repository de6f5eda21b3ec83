package dev.kapi.apiserver.audit;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.authn.UserInfo;
import io.fabric8.kubernetes.api.model.Status;
import jakarta.servlet.ServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * One audited request's event while the request runs, left as the request attribute {@link #ATTRIBUTE} by the
 * {@link AuditFilter}. Later stages add to it through {@link #of}: authorization and admission annotate it,
 * impersonation names the impersonated user, the handlers hand over the request body and the response
 * object. For a request that is not audited {@link #of} gives a context that ignores everything, so callers
 * never check. Bodies are kept only as the level asks: the request object from {@link Level#Request}, the
 * response object at {@link Level#RequestResponse}; below that a Secret's data is never in the event.
 */
public final class AuditContext {

    public static final String ATTRIBUTE = AuditContext.class.getName();

    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final AuditContext NONE = new AuditContext(null, Policy.Decision.NONE, event -> true);

    private final AuditEvent event;
    private final Policy.Decision decision;
    private final AuditSink sink;
    private byte[] requestBody;
    private String requestContentType;
    private JsonNode requestTree;
    private boolean completed;

    AuditContext(AuditEvent event, Policy.Decision decision, AuditSink sink) {
        this.event = event;
        this.decision = decision;
        this.sink = sink;
    }

    /** The request's context, or one that records nothing when the request is not audited. */
    public static AuditContext of(ServletRequest req) {
        return req.getAttribute(ATTRIBUTE) instanceof AuditContext c ? c : NONE;
    }

    public boolean enabled() {
        return event != null;
    }

    public Level level() {
        return event == null ? Level.None : event.level;
    }

    /**
     * An annotation for the event (kube's {@code AddAuditAnnotation}), e.g. {@code authorization.k8s.io/decision}
     * or an admission plugin's {@code pod-security.kubernetes.io/enforce-policy}; the first value of a key stays.
     */
    public synchronized void annotate(String key, String value) {
        if (event != null) {
            event.annotations.putIfAbsent(key, value == null ? "" : value);
        }
    }

    /** The user the request acts as after impersonation. */
    public synchronized void impersonatedUser(UserInfo user) {
        if (event != null) {
            event.impersonatedUser = user;
        }
    }

    /**
     * The request body as read (JSON or YAML by its Content-Type): the object it names completes the objectRef of
     * a create or update (name, namespace, uid, resourceVersion), and from the Request level it is the event's
     * requestObject. Kept as given (not copied); decoded only when the event is written.
     */
    public synchronized void requestBody(byte[] body, String contentType) {
        if (event != null && event.objectRef != null && body != null && body.length > 0) {
            this.requestBody = body;
            this.requestContentType = contentType;
        }
    }

    /**
     * The request body as decoded from a format the event cannot read itself (Kubernetes protobuf, which kubectl's
     * typed commands send): replaces the raw body handed to {@link #requestBody}.
     */
    public synchronized void requestObject(JsonNode decoded) {
        if (event != null && event.objectRef != null && decoded != null) {
            this.requestTree = decoded.deepCopy(); // the handler may change its tree
            this.requestBody = null;
        }
    }

    /** Whether the response object is recorded (the RequestResponse level, resource requests). */
    public boolean wantsResponseObject() {
        return event != null && event.objectRef != null && event.level.atLeast(Level.RequestResponse);
    }

    /** The response object, built by {@code body} (anything the JSON mapper writes) only when it is recorded. */
    public void responseObject(Supplier<?> body) {
        if (!wantsResponseObject()) {
            return;
        }
        JsonNode tree = Json.tree(body.get());
        synchronized (this) {
            event.responseObject = decision.omitManagedFields() ? ManagedFields.without(tree) : tree;
        }
    }

    /** The answer: its code and, for a Status answer, the Status's fields (kube's responseStatus). */
    synchronized void responseStatus(int code, Status status) {
        if (event == null) {
            return;
        }
        ObjectNode s = event.responseStatus != null ? event.responseStatus : Json.MAPPER.createObjectNode();
        if (status != null) {
            s = Json.MAPPER.createObjectNode();
            s.putObject("metadata");
            put(s, "status", status.getStatus());
            put(s, "message", status.getMessage());
            put(s, "reason", status.getReason());
            if (status.getDetails() != null) {
                s.set("details", Json.tree(status.getDetails()));
            }
        } else if (!s.has("metadata")) {
            s.putObject("metadata");
        }
        s.put("code", code);
        event.responseStatus = s;
        if (status != null && wantsResponseObject() && event.responseObject == null) {
            event.responseObject = Json.tree(status);
        }
    }

    /** A message for the responseStatus before there is an answer (kube's failed-authentication audit). */
    synchronized void responseMessage(String message) {
        if (event != null) {
            ObjectNode s = Json.MAPPER.createObjectNode();
            s.putObject("metadata");
            s.put("message", message);
            event.responseStatus = s;
        }
    }

    /** Writes the event at {@code stage} unless the policy omits that stage; false when the sink failed. */
    synchronized boolean write(Stage stage) {
        if (event == null || decision.omits(stage)) {
            return true;
        }
        if (stage != Stage.RequestReceived && (requestBody != null || requestTree != null)) {
            decodeRequestBody();
        }
        event.stage = stage;
        event.stageTimestamp = stage == Stage.RequestReceived ? event.requestReceived : Instant.now();
        return sink.process(event);
    }

    /** Marks the request finished; true only the first time (a watch can end from several threads). */
    synchronized boolean complete() {
        if (completed) {
            return false;
        }
        completed = true;
        return true;
    }

    private void decodeRequestBody() {
        byte[] body = requestBody;
        JsonNode tree = requestTree;
        requestBody = null;
        requestTree = null;
        if (tree == null) {
            try {
                boolean yaml = requestContentType != null && requestContentType.toLowerCase().contains("yaml");
                tree = yaml ? YAML.readTree(body) : Json.MAPPER.readTree(body);
            } catch (JacksonException e) {
                return; // the handler refused it; kube records only what it decoded
            }
        }
        if (tree == null) {
            return;
        }
        if ((event.verb.equals("create") || event.verb.equals("update")) && tree.path("metadata").isObject()) {
            JsonNode m = tree.path("metadata");
            AuditEvent.ObjectRef ref = event.objectRef;
            ref.namespace = ref.namespace.isEmpty() ? m.path("namespace").asString("") : ref.namespace;
            ref.name = ref.name.isEmpty() ? m.path("name").asString("") : ref.name;
            ref.uid = ref.uid.isEmpty() ? m.path("uid").asString("") : ref.uid;
            ref.resourceVersion = ref.resourceVersion.isEmpty() ? m.path("resourceVersion").asString("")
                    : ref.resourceVersion;
        }
        if (event.level.atLeast(Level.Request)) {
            event.requestObject = decision.omitManagedFields() ? ManagedFields.without(tree) : tree;
        }
    }

    private static void put(ObjectNode o, String field, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(field, value);
        }
    }
}
