package dev.kapi.apiserver.audit;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.authn.UserInfo;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request's audit event ({@code audit.k8s.io/v1} Event), filled in as the request goes and written at each
 * stage: {@link #toJson} gives kube's fields in kube's order, empty optional fields left out, e.g.
 * <pre>{@code
 * {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"4c1e...","stage":"ResponseComplete",
 *  "requestURI":"/api/v1/namespaces/default/pods?limit=500","verb":"list","user":{"username":"alice",
 *  "groups":["dev","system:authenticated"]},"sourceIPs":["127.0.0.1"],"userAgent":"kubectl/v1.32.0",
 *  "objectRef":{"resource":"pods","namespace":"default","apiVersion":"v1"},"responseStatus":{"metadata":{},
 *  "code":200},"requestReceivedTimestamp":"2026-12-04T01:02:03.123456Z","stageTimestamp":"2026-12-04T01:02:03.130011Z",
 *  "annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""}}
 * }</pre>
 * Not thread-safe: its {@link AuditContext} guards it.
 */
public final class AuditEvent {

    /** kube's MicroTime: RFC 3339 in UTC with microseconds. */
    static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** The object a resource request is about (kube's ObjectReference); "" fields are left out. */
    public static final class ObjectRef {
        String resource = "";
        String namespace = "";
        String name = "";
        String uid = "";
        String apiGroup = "";
        String apiVersion = "";
        String resourceVersion = "";
        String subresource = "";

        ObjectNode toJson() {
            ObjectNode o = Json.MAPPER.createObjectNode();
            put(o, "resource", resource);
            put(o, "namespace", namespace);
            put(o, "name", name);
            put(o, "uid", uid);
            put(o, "apiGroup", apiGroup);
            put(o, "apiVersion", apiVersion);
            put(o, "resourceVersion", resourceVersion);
            put(o, "subresource", subresource);
            return o;
        }
    }

    final Level level;
    final String auditId;
    Stage stage = Stage.RequestReceived;
    final String requestUri;
    final String verb;
    final UserInfo user;
    UserInfo impersonatedUser;
    final List<String> sourceIps;
    final String userAgent;
    final ObjectRef objectRef;
    ObjectNode responseStatus;
    JsonNode requestObject;
    JsonNode responseObject;
    final Instant requestReceived;
    Instant stageTimestamp;
    final Map<String, String> annotations = new LinkedHashMap<>();

    AuditEvent(Level level, String auditId, String requestUri, String verb, UserInfo user, List<String> sourceIps,
               String userAgent, ObjectRef objectRef, Instant requestReceived) {
        this.level = level;
        this.auditId = auditId;
        this.requestUri = requestUri;
        this.verb = verb;
        this.user = user;
        this.sourceIps = List.copyOf(sourceIps);
        this.userAgent = userAgent;
        this.objectRef = objectRef;
        this.requestReceived = requestReceived;
        this.stageTimestamp = requestReceived;
    }

    public Level level() {
        return level;
    }

    public Stage stage() {
        return stage;
    }

    public String auditId() {
        return auditId;
    }

    /** The event as kube writes it, one JSON object. */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("kind", "Event");
        o.put("apiVersion", PolicyFile.API_VERSION);
        o.put("level", level.name());
        o.put("auditID", auditId);
        o.put("stage", stage.name());
        o.put("requestURI", requestUri);
        o.put("verb", verb);
        o.set("user", user(user));
        if (impersonatedUser != null) {
            o.set("impersonatedUser", user(impersonatedUser));
        }
        if (!sourceIps.isEmpty()) {
            sourceIps.forEach(o.putArray("sourceIPs")::add);
        }
        put(o, "userAgent", userAgent);
        if (objectRef != null) {
            o.set("objectRef", objectRef.toJson());
        }
        if (responseStatus != null) {
            o.set("responseStatus", responseStatus);
        }
        if (requestObject != null) {
            o.set("requestObject", requestObject);
        }
        if (responseObject != null) {
            o.set("responseObject", responseObject);
        }
        o.put("requestReceivedTimestamp", MICRO_TIME.format(requestReceived));
        o.put("stageTimestamp", MICRO_TIME.format(stageTimestamp));
        if (!annotations.isEmpty()) {
            ObjectNode a = o.putObject("annotations");
            annotations.forEach(a::put);
        }
        return o;
    }

    /** kube's authentication/v1 UserInfo: username, uid, groups, extra, each left out when empty. */
    static ObjectNode user(UserInfo u) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        if (u == null) {
            return o;
        }
        put(o, "username", u.name());
        put(o, "uid", u.uid());
        if (u.groups() != null && !u.groups().isEmpty()) {
            u.groups().forEach(o.putArray("groups")::add);
        }
        if (u.extra() != null && !u.extra().isEmpty()) {
            ObjectNode extra = o.putObject("extra");
            u.extra().forEach((k, v) -> v.forEach(extra.putArray(k)::add));
        }
        return o;
    }

    private static void put(ObjectNode o, String field, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(field, value);
        }
    }
}
