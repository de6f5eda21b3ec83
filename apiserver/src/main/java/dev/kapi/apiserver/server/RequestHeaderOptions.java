package dev.kapi.apiserver.server;

import dev.kapi.apiserver.authn.RequestHeaderAuthenticator;
import dev.kapi.apiserver.server.tls.Pem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * kube-apiserver's front-proxy flags, with its names and defaults (none): {@code --requestheader-client-ca-file}
 * (off while empty), {@code --requestheader-allowed-names}, {@code --requestheader-username-headers},
 * {@code --requestheader-group-headers} and {@code --requestheader-extra-headers-prefix} (comma-separated). As in
 * kube, an empty entry in a list stops the server, and a list without the standard header ({@code X-Remote-User},
 * {@code X-Remote-Group}, {@code X-Remote-Extra-}) is only warned about.
 */
@Component
public class RequestHeaderOptions {

    private static final Logger LOG = LoggerFactory.getLogger(RequestHeaderOptions.class);

    private final String clientCaFile;
    private final List<String> allowedNames;
    private final List<String> usernameHeaders;
    private final List<String> groupHeaders;
    private final List<String> extraHeaderPrefixes;

    /** The flags' values as written on a command line (lists comma-separated; YAML lists see {@link FlagLists}). */
    public RequestHeaderOptions(@Value("${requestheader-client-ca-file:}") String clientCaFile,
                                @Value("${requestheader-allowed-names:}") String allowedNames,
                                @Value("${requestheader-username-headers:}") String usernameHeaders,
                                @Value("${requestheader-group-headers:}") String groupHeaders,
                                @Value("${requestheader-extra-headers-prefix:}") String extraHeaderPrefixes) {
        if (!clientCaFile.isEmpty() && clientCaFile.isBlank()) {
            throw new StartupFailure("--requestheader-client-ca-file \"" + clientCaFile + "\": no such file");
        }
        this.clientCaFile = clientCaFile;
        this.allowedNames = list("requestheader-allowed-names", allowedNames);
        this.usernameHeaders = list("requestheader-username-headers", usernameHeaders);
        this.groupHeaders = list("requestheader-group-headers", groupHeaders);
        this.extraHeaderPrefixes = list("requestheader-extra-headers-prefix", extraHeaderPrefixes);
        warnWithoutStandard("requestheader-username-headers", this.usernameHeaders, "X-Remote-User");
        warnWithoutStandard("requestheader-group-headers", this.groupHeaders, "X-Remote-Group");
        warnWithoutStandard("requestheader-extra-headers-prefix", this.extraHeaderPrefixes, "X-Remote-Extra-");
    }

    /** The authenticator's settings; empty when {@code --requestheader-client-ca-file} is not set. */
    public Optional<RequestHeaderAuthenticator.Settings> settings() {
        if (clientCaFile.isEmpty()) {
            return Optional.empty();
        }
        List<X509Certificate> cas;
        try {
            cas = Pem.readCertificates(Files.readString(Path.of(clientCaFile)));
        } catch (NoSuchFileException e) {
            throw StartupFailure.of("--requestheader-client-ca-file", e);
        } catch (IOException | RuntimeException e) {
            throw new StartupFailure("--requestheader-client-ca-file " + clientCaFile + ": " + e.getMessage(), e);
        }
        return Optional.of(new RequestHeaderAuthenticator.Settings(cas, allowedNames, usernameHeaders,
                groupHeaders, extraHeaderPrefixes));
    }

    /** A comma-separated flag's entries, trimmed; an entry that is empty or only spaces stops the server. */
    private static List<String> list(String flag, String value) {
        if (value.isEmpty()) {
            return List.of();
        }
        List<String> entries = Arrays.stream(value.split(",", -1)).map(String::trim).toList();
        if (entries.contains("")) {
            throw emptyValue(flag);
        }
        return entries;
    }

    private static StartupFailure emptyValue(String flag) {
        return new StartupFailure("--" + flag + ": empty value in \"" + flag + "\"");
    }

    private static void warnWithoutStandard(String flag, List<String> entries, String standard) {
        String lower = standard.toLowerCase(Locale.ROOT);
        if (!entries.isEmpty() && entries.stream().noneMatch(e -> e.toLowerCase(Locale.ROOT).equals(lower))) {
            LOG.warn("--{} is set without specifying the standard {} header - API aggregation will not work",
                    flag, standard);
        }
    }
}
