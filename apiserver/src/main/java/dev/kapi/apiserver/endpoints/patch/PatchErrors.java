package dev.kapi.apiserver.endpoints.patch;

import dev.kapi.apiserver.api.StatusError;

/**
 * The errors of patch application, with kube-apiserver's codes: malformed patches and directive format
 * errors are 400, errors kube wraps with {@code NewGenericServerResponse(422, ...)} are 422 with kube's
 * generic message (the detail is not sent to the client, as in kube). The errors kube does not translate
 * (an unknown {@code $patch}, a list element without its merge key, a {@code $setElementOrder} that does not
 * match) reach its clients as 500s; they are client mistakes, so here they are 400s with kube's text.
 */
final class PatchErrors {

    static final String BAD_PRIMITIVE_LIST = "invalid patch format of primitive list";
    static final String BAD_RETAIN_KEYS = "invalid patch format of retainKeys";
    static final String BAD_SET_ORDER = "invalid patch format of setElementOrder list";

    private PatchErrors() {
    }

    static StatusError badRequest(String message) {
        return StatusError.badRequest(message);
    }

    /** Kube's {@code NewGenericServerResponse(422, ...)}: the detail stays in the server. */
    static StatusError unprocessable(String detail) {
        return StatusError.unprocessableEntity();
    }

    /** A patch kube cannot apply and answers with a bare 500: a 400 with kube's message here. */
    static StatusError malformed(String message) {
        return StatusError.badRequest(message);
    }
}
