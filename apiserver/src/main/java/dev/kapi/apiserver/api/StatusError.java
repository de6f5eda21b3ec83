package dev.kapi.apiserver.api;

import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusDetails;

import java.util.ArrayList;
import java.util.List;

/**
 * An error a client sees: an HTTP code and a Kubernetes {@code Status} body with kube-apiserver's reason,
 * message and details. Every failure leaving the server is one of these, built by the factories below
 * (the equivalents of apimachinery's {@code errors.NewNotFound}, {@code NewConflict}, ...).
 */
public class StatusError extends RuntimeException {

    private final Status status;

    public StatusError(Status status) {
        super(status.getMessage());
        this.status = status;
    }

    public Status status() {
        return status;
    }

    public int code() {
        return status.getCode();
    }

    public String reason() {
        return status.getReason();
    }

    public static Status status(int code, String reason, String message, StatusDetails details) {
        Status s = new Status();
        s.setApiVersion("v1");
        s.setKind("Status");
        s.setMetadata(new ListMeta());
        s.setStatus("Failure");
        s.setCode(code);
        s.setReason(reason);
        s.setMessage(message);
        s.setDetails(details);
        return s;
    }

    private static StatusError of(int code, String reason, String message, StatusDetails details) {
        return new StatusError(status(code, reason, message, details));
    }

    private static StatusDetails details(GroupResource gr, String name) {
        StatusDetails d = new StatusDetails();
        d.setName(name == null || name.isEmpty() ? null : name);
        if (gr != null) {
            d.setGroup(gr.group() == null || gr.group().isEmpty() ? null : gr.group());
            d.setKind(gr.resource());
        }
        return d;
    }

    public static StatusError notFound(GroupResource gr, String name) {
        return of(404, "NotFound", gr + " \"" + name + "\" not found", details(gr, name));
    }

    /** A path that names nothing the server serves. */
    public static StatusError notFoundPath() {
        return of(404, "NotFound", "the server could not find the requested resource", new StatusDetails());
    }

    public static StatusError alreadyExists(GroupResource gr, String name) {
        return of(409, "AlreadyExists", gr + " \"" + name + "\" already exists", details(gr, name));
    }

    /** The optimistic-concurrency conflict of a stale resourceVersion. */
    public static StatusError conflict(GroupResource gr, String name, String why) {
        return of(409, "Conflict", "Operation cannot be fulfilled on " + gr + " \"" + name + "\": " + why,
                details(gr, name));
    }

    public static final String MODIFIED =
            "the object has been modified; please apply your changes to the latest version and try again";

    /** 422 Invalid with one cause per field error. */
    public static StatusError invalid(String kind, String group, String name, List<FieldError> errors) {
        StatusDetails d = new StatusDetails();
        d.setName(name);
        d.setGroup(group == null || group.isEmpty() ? null : group);
        d.setKind(kind);
        List<StatusCause> causes = new ArrayList<>();
        for (FieldError e : errors) {
            StatusCause c = new StatusCause();
            c.setReason(e.type().reason());
            c.setMessage(e.message());
            c.setField(e.field());
            causes.add(c);
        }
        d.setCauses(causes);
        String what = errors.size() == 1 ? errors.get(0).toString()
                : "[" + String.join(", ", errors.stream().map(FieldError::toString).toList()) + "]";
        String qualifiedKind = group == null || group.isEmpty() ? kind : kind + "." + group;
        return of(422, "Invalid", qualifiedKind + " \"" + name + "\" is invalid: " + what, d);
    }

    public static StatusError badRequest(String message) {
        return of(400, "BadRequest", message, null);
    }

    public static StatusError forbidden(GroupResource gr, String name, String why) {
        String subject = name == null || name.isEmpty() ? gr.toString() : gr + " \"" + name + "\"";
        return of(403, "Forbidden", subject + " is forbidden: " + why, details(gr, name));
    }

    public static StatusError methodNotSupported(GroupResource gr, String verb) {
        return of(405, "MethodNotAllowed", verb + " is not supported on resources of kind \"" + gr + "\"",
                details(gr, null));
    }

    /** A 405 with its own message (a create of a custom resource whose definition is being deleted). */
    public static StatusError methodNotAllowed(GroupResource gr, String message) {
        return of(405, "MethodNotAllowed", message, details(gr, null));
    }

    public static StatusError notAcceptable(String message) {
        return of(406, "NotAcceptable", message, null);
    }

    public static StatusError unsupportedMediaType(String contentType) {
        return of(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: "
                + "application/json, application/yaml, application/apply-patch+yaml, application/json-patch+json, "
                + "application/merge-patch+json, application/strategic-merge-patch+json", null);
    }

    /**
     * 415 for a body whose Content-Type is not one of {@code accepted} (kube's
     * {@code NewUnsupportedMediaTypeError}, e.g. for PATCH with the patch types a resource supports).
     */
    public static StatusError unsupportedMediaType(List<String> accepted) {
        return of(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                + "accepted media types include: " + String.join(", ", accepted), null);
    }

    /**
     * 422 Invalid without causes: kube's {@code NewGenericServerResponse(422, ...)}, which the PATCH handler
     * returns when a JSON patch cannot be applied (a failed {@code test}, a missing path).
     */
    public static StatusError unprocessableEntity() {
        return of(422, "Invalid", "the server rejected our request due to an error in our request",
                new StatusDetails());
    }

    public static StatusError requestEntityTooLarge(String message) {
        return of(413, "RequestEntityTooLarge", message, null);
    }

    /** 410 Gone / Expired: a resourceVersion or continue token older than the retained history. */
    public static StatusError expired(String message) {
        return of(410, "Expired", message, null);
    }

    public static StatusError gone(String message) {
        return of(410, "Gone", message, null);
    }

    public static StatusError serviceUnavailable(String message) {
        return of(503, "ServiceUnavailable", message, null);
    }

    public static StatusError timeout(String message) {
        return of(504, "Timeout", message, null);
    }

    /**
     * kube's answer to a read at a resourceVersion the store has not reached (its
     * {@code NewTooLargeResourceVersionError} as the watch cache gives it): 504 Timeout, "Timeout: " and the
     * storage's message ("Too large resource version: 130, current: 120"), a {@code ResourceVersionTooLarge}
     * cause, which client-go's reflector looks for to list again from the latest, and retry after 1 s.
     */
    public static StatusError tooLargeResourceVersion(String message) {
        StatusDetails details = new StatusDetails();
        details.setRetryAfterSeconds(1);
        StatusCause cause = new StatusCause();
        cause.setReason("ResourceVersionTooLarge");
        cause.setMessage("Too large resource version");
        details.setCauses(List.of(cause));
        return of(504, "Timeout", "Timeout: " + message, details);
    }

    public static StatusError tooManyRequests(String message) {
        return of(429, "TooManyRequests", message, null);
    }

    /** A 429 asking the client to try again after some seconds (kube's {@code NewTooManyRequests}). */
    public static StatusError tooManyRequests(String message, int retryAfterSeconds) {
        StatusDetails details = new StatusDetails();
        details.setRetryAfterSeconds(retryAfterSeconds);
        return of(429, "TooManyRequests", message, details);
    }

    /**
     * A 429 with one cause (kube's eviction names the disruption budget that refused it), and the seconds a
     * client should wait before it tries again (0 for none).
     */
    public static StatusError tooManyRequests(String message, int retryAfterSeconds, String causeReason,
                                              String causeMessage) {
        StatusDetails details = new StatusDetails();
        if (retryAfterSeconds > 0) {
            details.setRetryAfterSeconds(retryAfterSeconds);
        }
        StatusCause cause = new StatusCause();
        cause.setReason(causeReason);
        cause.setMessage(causeMessage);
        details.setCauses(List.of(cause));
        return of(429, "TooManyRequests", message, details);
    }

    /**
     * A failure a REST storage answered as its result, sent as it is (kube's {@code errors.FromObject}): the
     * code and message, no reason; e.g. the eviction of a pod that two disruption budgets select.
     */
    public static StatusError failure(int code, String message) {
        return of(code, null, message, null);
    }

    /**
     * kube's {@code NewApplyConflict}: a 409 Conflict whose causes name each field another manager owns
     * (cause type {@code FieldManagerConflict}).
     */
    public static StatusError applyConflict(String message, List<StatusCause> causes) {
        StatusDetails details = new StatusDetails();
        details.setCauses(causes);
        return of(409, "Conflict", message, details);
    }

    /**
     * kube's {@code NewInternalError}: a 500 whose message is "Internal error occurred: " and the error, and whose
     * one cause carries the error's own text.
     */
    public static StatusError internal(String message) {
        StatusCause cause = new StatusCause();
        cause.setMessage(message);
        StatusDetails details = new StatusDetails();
        details.setCauses(new ArrayList<>(List.of(cause)));
        return of(500, "InternalError", "Internal error occurred: " + message, details);
    }

    /**
     * A Status for a bare HTTP error code, with kube's generic reason and message for it (apimachinery's
     * {@code NewGenericServerResponse}), e.g. 404 "the server could not find the requested resource".
     */
    public static StatusError fromCode(int code) {
        return switch (code) {
            case 400 -> of(400, "BadRequest", "the server rejected our request for an unknown reason", null);
            case 401 -> of(401, "Unauthorized", "Unauthorized", null);
            case 403 -> of(403, "Forbidden", "forbidden", null);
            case 404 -> notFoundPath();
            case 405 -> of(405, "MethodNotAllowed", "the server does not allow this method on the requested resource",
                    null);
            case 406 -> notAcceptable("the server was unable to respond with a content type that the client supports");
            case 408 -> of(408, "Timeout", "the server was unable to return a response in the time allotted", null);
            case 413 -> requestEntityTooLarge("the request entity is too large");
            case 414 -> of(414, "RequestURITooLong", "the request URI is too long", null);
            case 415 -> of(415, "UnsupportedMediaType", "the server does not support the media type", null);
            case 429 -> tooManyRequests("the server has received too many requests and has asked us to try again later");
            case 503 -> serviceUnavailable("the server is currently unable to handle the request");
            case 504 -> timeout("the server was unable to return a response in the time allotted");
            default -> code >= 400 && code < 500
                    ? of(code, "BadRequest", "the server rejected our request for an unknown reason", null)
                    : of(code >= 500 && code < 600 ? code : 500, "InternalError",
                            "an error on the server has prevented the request from succeeding", null);
        };
    }
}
