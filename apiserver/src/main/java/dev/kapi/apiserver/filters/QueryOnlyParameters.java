package dev.kapi.apiserver.filters;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.util.MultiMap;
import org.eclipse.jetty.util.UrlEncoded;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request whose parameters come from its query string only. kube-apiserver reads its options from the URL
 * and never parses a body as a form; the servlet API's {@code getParameter} would read a form-encoded POST body
 * too, which let an unauthenticated client have that body read before authentication (a large one a 500 and a
 * stack trace in the log, where kube answers 401) and would leave a handler's body empty.
 */
final class QueryOnlyParameters extends HttpServletRequestWrapper {

    private Map<String, String[]> parameters;

    QueryOnlyParameters(HttpServletRequest request) {
        super(request);
    }

    @Override
    public String getParameter(String name) {
        String[] values = parameters().get(name);
        return values == null ? null : values[0];
    }

    @Override
    public String[] getParameterValues(String name) {
        String[] values = parameters().get(name);
        return values == null ? null : values.clone();
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        return Collections.unmodifiableMap(parameters());
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(parameters().keySet());
    }

    /** Decoded as Jetty decodes a query (UTF-8, {@code +} a space); a malformed one is Jetty's 400. */
    private Map<String, String[]> parameters() {
        if (parameters == null) {
            Map<String, String[]> out = new LinkedHashMap<>();
            String query = getQueryString();
            if (query != null && !query.isEmpty()) {
                MultiMap<String> decoded = new MultiMap<>();
                try {
                    UrlEncoded.decodeTo(query, decoded, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new BadMessageException("Unable to parse URI query", e);
                }
                decoded.forEach((k, v) -> out.put(k, v.toArray(String[]::new)));
            }
            parameters = out;
        }
        return parameters;
    }
}
