package dev.kapi.apiserver.authn;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.util.Collections;
import java.util.Enumeration;
import java.util.function.Predicate;

/**
 * A request without the headers a stage has consumed (a front proxy's {@code X-Remote-*} once they named the
 * user, the {@code Impersonate-*} headers once the user is impersonated), so that no later stage reads them.
 */
public final class HiddenHeaders {

    private HiddenHeaders() {
    }

    /** {@code req} as if it had come without the headers {@code hidden} names (a name test in any case). */
    public static HttpServletRequest without(HttpServletRequest req, Predicate<String> hidden) {
        return new HttpServletRequestWrapper(req) {
            @Override
            public String getHeader(String name) {
                return hidden.test(name) ? null : super.getHeader(name);
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                return hidden.test(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
            }

            @Override
            public Enumeration<String> getHeaderNames() {
                return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                        .filter(hidden.negate()).toList());
            }

            @Override
            public long getDateHeader(String name) {
                return hidden.test(name) ? -1 : super.getDateHeader(name);
            }

            @Override
            public int getIntHeader(String name) {
                return hidden.test(name) ? -1 : super.getIntHeader(name);
            }
        };
    }
}
