package dev.kapi.apiserver.admission;

/**
 * Where admission plugins leave what is not a decision: warnings for the client (the response's
 * {@code Warning} headers, as kube's {@code warning.AddWarning}) and audit annotations for the request's audit
 * event (kube's {@code Attributes.AddAnnotation}, keys prefixed with the plugin's name). One per request;
 * the server's own writers use {@link #NONE}. Implementations must be safe to call from several threads.
 */
public interface AdmissionRecorder {

    /** Drops everything: for writes no client waits on. */
    AdmissionRecorder NONE = new AdmissionRecorder() {
        @Override
        public void warn(String warning) {
        }

        @Override
        public void annotate(String key, String value) {
        }
    };

    /** A warning for the client; the same text twice is sent once. */
    void warn(String warning);

    /** An audit annotation, e.g. {@code pod-security.kubernetes.io/enforce-policy=restricted:latest}. */
    void annotate(String key, String value);
}
