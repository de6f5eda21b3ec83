package dev.kapi.apiserver.registry.apiextensions.conversion;

import dev.kapi.apiserver.api.StatusError;

/**
 * A failed conversion, as kube-apiserver reports it. By itself it is the read path's answer: a 500 whose
 * message is the converter's error as it is and whose reason is empty (kube returns the plain Go error,
 * which {@code ErrorToAPIStatus} turns into {@code code: 500} without a reason), e.g.
 * {@code conversion webhook for example.com/v1, Kind=Widget failed: Post "https://...": ...}.
 * Writes wrap the same error in {@code NewInternalError}: {@link #forWrite()}.
 */
public final class ConversionException extends StatusError {

    private final String detail;

    ConversionException(String detail) {
        super(status(500, null, detail, null));
        this.detail = detail;
    }

    /** The converter's error text, without any prefix. */
    public String detail() {
        return detail;
    }

    /** The write path's 500 InternalError: {@code Internal error occurred: <detail>}. */
    public StatusError forWrite() {
        return StatusError.internal(detail);
    }
}
