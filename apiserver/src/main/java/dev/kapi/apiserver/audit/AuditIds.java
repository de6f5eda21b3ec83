package dev.kapi.apiserver.audit;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A request's audit ID (kube's {@code WithAuditInit}): the client's {@code Audit-ID} header when it sent one, else
 * a new random UUID; echoed as the response's {@code Audit-Id} header whether or not the request is audited.
 */
final class AuditIds {

    static final String HEADER = "Audit-ID";
    private static final String ATTRIBUTE = AuditIds.class.getName();

    private AuditIds() {
    }

    static String assign(HttpServletRequest req, HttpServletResponse res) {
        if (req.getAttribute(ATTRIBUTE) instanceof String id) {
            return id;
        }
        String id = req.getHeader(HEADER);
        if (id == null || id.isEmpty()) {
            id = random();
        }
        req.setAttribute(ATTRIBUTE, id);
        if (res.getHeader(HEADER) == null) {
            res.setHeader("Audit-Id", id);
        }
        return id;
    }

    /** A version 4 UUID from the thread's generator: unique enough for an ID, no lock shared by requests. */
    private static String random() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }
}
