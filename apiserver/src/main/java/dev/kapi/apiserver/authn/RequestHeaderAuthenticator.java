package dev.kapi.apiserver.authn;

import jakarta.servlet.http.HttpServletRequest;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Front-proxy authentication (kube's request-header authenticator, {@code --requestheader-*}): a proxy that
 * authenticated the user itself names the user in headers, and it is believed only when it presents a client
 * certificate that chains to {@code --requestheader-client-ca-file} (and, when {@code --requestheader-allowed-names}
 * is set, whose CN is one of them). Then the user is the first non-empty value of the username headers, in order;
 * the groups every non-empty value of every group header; the extra attributes every header under an extra
 * prefix ({@link ExtraHeaders}). Without a client certificate, or without a user name in the headers, the request
 * is not this authenticator's; a certificate that does not verify, or a CN not allowed, is a bad credential
 * (the next authenticators are still asked, as in kube's union: a user's own certificate from
 * {@code --client-ca-file} is not a proxy's, and authenticates its user). Once they named the user, later stages
 * see the request without those headers.
 */
public final class RequestHeaderAuthenticator implements Authenticator {

    /**
     * The flags: {@code cas} from {@code --requestheader-client-ca-file} (at least one), the rest lists of
     * header names and prefixes (empty = none; no user header means no request is ever authenticated).
     */
    public record Settings(List<X509Certificate> cas, List<String> allowedNames, List<String> usernameHeaders,
                           List<String> groupHeaders, List<String> extraHeaderPrefixes) {
        public Settings {
            if (cas.isEmpty()) {
                throw new IllegalArgumentException("no CA certificate for front-proxy client certificates");
            }
            cas = List.copyOf(cas);
            allowedNames = List.copyOf(allowedNames);
            usernameHeaders = List.copyOf(usernameHeaders);
            groupHeaders = List.copyOf(groupHeaders);
            extraHeaderPrefixes = List.copyOf(extraHeaderPrefixes);
        }
    }

    private final Settings settings;
    private final VerifiedChains<String> proxies;

    public RequestHeaderAuthenticator(Settings settings) {
        this(settings, System::currentTimeMillis);
    }

    /** With {@code clock} (epoch milliseconds) as the time certificates are validated at. */
    RequestHeaderAuthenticator(Settings settings, LongSupplier clock) {
        this.settings = settings;
        this.proxies = new VerifiedChains<>(settings.cas(), clock, this::allowedProxy);
    }

    @Override
    public Optional<UserInfo> authenticate(HttpServletRequest request) {
        X509Certificate[] chain = VerifiedChains.chainOf(request);
        if (chain == null) {
            return Optional.empty();
        }
        proxies.verified(chain);
        String name = firstValue(request, settings.usernameHeaders());
        if (name.isEmpty()) {
            return Optional.empty();
        }
        List<String> groups = new ArrayList<>();
        for (String header : settings.groupHeaders()) {
            for (String value : Collections.list(request.getHeaders(header))) {
                if (!value.isEmpty()) {
                    groups.add(value);
                }
            }
        }
        return Optional.of(new UserInfo(name, "", List.copyOf(groups),
                ExtraHeaders.read(request, settings.extraHeaderPrefixes())));
    }

    /** The request without the headers that named the user, as kube's {@code ClearAuthenticationHeaders}. */
    @Override
    public HttpServletRequest forLaterStages(HttpServletRequest request) {
        return HiddenHeaders.without(request, this::isCredentialHeader);
    }

    private boolean isCredentialHeader(String name) {
        return settings.usernameHeaders().stream().anyMatch(name::equalsIgnoreCase)
                || settings.groupHeaders().stream().anyMatch(name::equalsIgnoreCase)
                || settings.extraHeaderPrefixes().stream().anyMatch(p -> name.regionMatches(true, 0, p, 0, p.length()));
    }

    /** The proxy's CN, when {@code --requestheader-allowed-names} allows it; a bad credential otherwise. */
    private String allowedProxy(X509Certificate[] chain) {
        String cn = VerifiedChains.commonName(chain[0]);
        if (!settings.allowedNames().isEmpty() && !settings.allowedNames().contains(cn)) {
            throw new TokenAuthenticator.BadCredentialsException(
                    "x509: subject with cn=" + cn + " is not in the allowed list");
        }
        return cn;
    }

    private static String firstValue(HttpServletRequest request, List<String> headers) {
        for (String header : headers) {
            String value = request.getHeader(header);
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return "";
    }
}
