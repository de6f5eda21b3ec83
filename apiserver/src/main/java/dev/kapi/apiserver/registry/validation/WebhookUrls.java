package dev.kapi.apiserver.registry.validation;

import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.api.FieldError;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/** apiserver's webhook URL and service path checks ({@code ValidateWebhookURL}, the path part of {@code ValidateWebhookService}). */
public final class WebhookUrls {

    private static final String FORM = "; desired format: https://host[/path]";

    private WebhookUrls() {
    }

    /** An https URL with a host, and without user information, query or fragment. */
    public static List<FieldError> validateUrl(String path, String url) {
        List<FieldError> errs = new ArrayList<>();
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            errs.add(FieldError.required(path, "url must be a valid URL: parse " + GoQuote.quote(url) + ": "
                    + e.getReason() + FORM));
            return errs;
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme();
        if (!scheme.equals("https")) {
            errs.add(FieldError.invalid(path, scheme, "'https' is the only allowed URL scheme" + FORM));
        }
        String authority = u.getRawAuthority() == null ? "" : u.getRawAuthority();
        String host = authority.substring(authority.lastIndexOf('@') + 1);
        if (host.isEmpty()) {
            errs.add(FieldError.invalid(path, host, "host must be provided" + FORM));
        }
        if (u.getRawUserInfo() != null) {
            errs.add(FieldError.invalid(path, u.getRawUserInfo(), "user information is not permitted in the URL"));
        }
        if (u.getFragment() != null && !u.getFragment().isEmpty()) {
            errs.add(FieldError.invalid(path, u.getFragment(), "fragments are not permitted in the URL"));
        }
        if (u.getRawQuery() != null && !u.getRawQuery().isEmpty()) {
            errs.add(FieldError.invalid(path, u.getRawQuery(), "query parameters are not permitted in the URL"));
        }
        return errs;
    }

    /** A service path: empty or "/", else starting with '/' and made of DNS-1123 subdomain segments. */
    public static List<FieldError> validateServicePath(String path, String urlPath) {
        List<FieldError> errs = new ArrayList<>();
        if (urlPath == null || urlPath.isEmpty() || urlPath.equals("/")) {
            return errs;
        }
        if (urlPath.equals("//")) {
            errs.add(FieldError.invalid(path, urlPath, "segment[0] may not be empty"));
            return errs;
        }
        if (!urlPath.startsWith("/")) {
            errs.add(FieldError.invalid(path, urlPath, "must start with a '/'"));
        }
        String rest = urlPath.substring(1);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        String[] steps = rest.split("/", -1);
        for (int i = 0; i < steps.length; i++) {
            if (steps[i].isEmpty()) {
                errs.add(FieldError.invalid(path, urlPath, "segment[" + i + "] may not be empty"));
                continue;
            }
            for (String failure : NameValidation.dns1123Subdomain(steps[i])) {
                errs.add(FieldError.invalid(path, urlPath, "segment[" + i + "]: " + failure));
            }
        }
        return errs;
    }

    /**
     * apiserver's {@code ValidateWebhookService} (for admission webhooks and CRD conversion alike): name and
     * namespace required, the port (443 when not set, as v1 defaults it) in 1..65535, the path as
     * {@link #validateServicePath}.
     */
    public static List<FieldError> validateService(String path, String name, String namespace, Integer port,
                                                   String urlPath) {
        List<FieldError> errs = new ArrayList<>();
        if (name == null || name.isEmpty()) {
            errs.add(FieldError.required(path + ".name", "service name is required"));
        }
        if (namespace == null || namespace.isEmpty()) {
            errs.add(FieldError.required(path + ".namespace", "service namespace is required"));
        }
        int p = port == null ? 443 : port;
        for (String msg : NameValidation.portNumber(p)) {
            errs.add(FieldError.invalid(path + ".port", p, "port is not valid: " + msg));
        }
        errs.addAll(validateServicePath(path + ".path", urlPath));
        return errs;
    }
}
