package dev.kapi.apiserver.api.selection;

import dev.kapi.apiserver.api.StatusError;

/** A selector that does not parse: a 400 BadRequest carrying apimachinery's parser message. */
public class SelectorSyntaxException extends StatusError {

    public SelectorSyntaxException(String message) {
        super(StatusError.badRequest(message).status());
    }
}
