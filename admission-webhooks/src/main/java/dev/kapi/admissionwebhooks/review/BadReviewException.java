package dev.kapi.admissionwebhooks.review;

/** The request body is not an AdmissionReview v1 request a webhook can decide: answered with 400 and the message. */
public class BadReviewException extends RuntimeException {

    public BadReviewException(String message) {
        super(message);
    }
}
