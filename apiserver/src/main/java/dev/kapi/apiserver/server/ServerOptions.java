package dev.kapi.apiserver.server;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The server's flags, named as kube-apiserver (and k3s for {@code --write-kubeconfig}) names them. Each is
 * a command-line flag ({@code --etcd-servers=...}) and equally an {@code application.yaml} property
 * ({@code etcd-servers: ...}).
 */
@Component
public class ServerOptions {

    private final List<String> etcdServers;
    private final String etcdPrefix;
    private final int securePort;
    private final String bindAddress;
    private final Path dataDir;
    private final boolean allowEmptyStore;
    private final String writeKubeconfig;
    private final String serviceClusterIpRange;
    private final String serviceNodePortRange;
    private final ServiceAccountTokenFlags serviceAccountTokens;
    private final OidcFlags oidc;
    private final String tlsCertFile;
    private final String tlsPrivateKeyFile;
    private final List<String> tlsSans;
    private final String clientCaFile;
    private final String tokenAuthFile;
    private final List<String> authorizationModes;
    private final AdmissionFlags admission;
    private final Duration shutdownDelay;

    public ServerOptions(@Value("${etcd-servers:}") String etcdServers,
                         @Value("${etcd-prefix:/registry}") String etcdPrefix,
                         @Value("${secure-port:6443}") int securePort,
                         @Value("${bind-address:0.0.0.0}") String bindAddress,
                         @Value("${data-dir:${user.home}/.kapi}") String dataDir,
                         @Value("${allow-empty-store:false}") boolean allowEmptyStore,
                         @Value("${write-kubeconfig:}") String writeKubeconfig,
                         @Value("${service-cluster-ip-range:10.96.0.0/12}") String serviceClusterIpRange,
                         @Value("${service-node-port-range:30000-32767}") String serviceNodePortRange,
                         @Value("${service-account-signing-key-file:}") String saSigningKeyFile,
                         @Value("${service-account-key-file:}") String saKeyFiles,
                         @Value("${service-account-issuer:https://kubernetes.default.svc.cluster.local}") String saIssuers,
                         @Value("${api-audiences:}") String apiAudiences,
                         @Value("${service-account-max-token-expiration:}") String saMaxTokenExpiration,
                         @Value("${oidc-issuer-url:}") String oidcIssuerUrl,
                         @Value("${oidc-client-id:}") String oidcClientId,
                         @Value("${oidc-username-claim:sub}") String oidcUsernameClaim,
                         @Value("${oidc-username-prefix:}") String oidcUsernamePrefix,
                         @Value("${oidc-groups-claim:}") String oidcGroupsClaim,
                         @Value("${oidc-groups-prefix:}") String oidcGroupsPrefix,
                         @Value("${oidc-ca-file:}") String oidcCaFile,
                         @Value("${oidc-signing-algs:RS256}") String oidcSigningAlgs,
                         @Value("${oidc-required-claim:}") String oidcRequiredClaims,
                         @Value("${tls-cert-file:}") String tlsCertFile,
                         @Value("${tls-private-key-file:}") String tlsPrivateKeyFile,
                         @Value("${tls-san:}") String tlsSans,
                         @Value("${client-ca-file:}") String clientCaFile,
                         @Value("${token-auth-file:}") String tokenAuthFile,
                         @Value("${authorization-mode:RBAC}") String authorizationModes,
                         @Value("${enable-admission-plugins:}") String enableAdmissionPlugins,
                         @Value("${disable-admission-plugins:}") String disableAdmissionPlugins,
                         @Value("${admission-control-config-file:}") String admissionControlConfigFile,
                         @Value("${shutdown-delay-duration:0s}") String shutdownDelayDuration) {
        this.etcdServers = commaList(etcdServers);
        this.etcdPrefix = etcdPrefix.endsWith("/") ? etcdPrefix.substring(0, etcdPrefix.length() - 1) : etcdPrefix;
        this.securePort = securePort;
        this.bindAddress = bindAddress;
        this.dataDir = Path.of(dataDir);
        this.allowEmptyStore = allowEmptyStore;
        this.writeKubeconfig = writeKubeconfig.isEmpty()
                ? this.dataDir.resolve("kubeconfig").toString() : writeKubeconfig;
        this.serviceClusterIpRange = serviceClusterIpRange;
        this.serviceNodePortRange = serviceNodePortRange;
        this.serviceAccountTokens = new ServiceAccountTokenFlags(saSigningKeyFile, commaList(saKeyFiles),
                commaList(saIssuers), commaList(apiAudiences), saMaxTokenExpiration);
        this.oidc = new OidcFlags(oidcIssuerUrl, oidcClientId, oidcUsernameClaim, oidcUsernamePrefix, oidcGroupsClaim,
                oidcGroupsPrefix, oidcCaFile, commaList(oidcSigningAlgs), commaList(oidcRequiredClaims));
        this.tlsCertFile = tlsCertFile;
        this.tlsPrivateKeyFile = tlsPrivateKeyFile;
        this.tlsSans = commaList(tlsSans);
        this.clientCaFile = clientCaFile;
        this.tokenAuthFile = tokenAuthFile;
        this.authorizationModes = commaList(authorizationModes);
        this.admission = new AdmissionFlags(commaList(enableAdmissionPlugins), commaList(disableAdmissionPlugins),
                admissionControlConfigFile);
        Duration delay;
        try {
            delay = TokenConfig.parseGoDuration(shutdownDelayDuration);
        } catch (IllegalArgumentException e) {
            throw StartupFailure.of("--shutdown-delay-duration", e);
        }
        this.shutdownDelay = delay == null ? Duration.ZERO : delay;
    }

    private static List<String> commaList(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** {@code --etcd-servers}: etcd client URLs; empty means "start a local etcd in the data dir". */
    public List<String> etcdServers() {
        return etcdServers;
    }

    /** {@code --etcd-prefix}: the key prefix of every object, without a trailing slash ({@code /registry}). */
    public String etcdPrefix() {
        return etcdPrefix;
    }

    public int securePort() {
        return securePort;
    }

    public String bindAddress() {
        return bindAddress;
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * {@code --allow-empty-store}: start with a new, empty embedded store although the data dir holds the
     * certificates and kubeconfig of an earlier start (its store was lost). Never replaces an existing store.
     */
    public boolean allowEmptyStore() {
        return allowEmptyStore;
    }

    /** {@code --write-kubeconfig}: where to write a kubeconfig for this server (default: data-dir/kubeconfig). */
    public String writeKubeconfig() {
        return writeKubeconfig;
    }

    public String serviceClusterIpRange() {
        return serviceClusterIpRange;
    }

    public String serviceNodePortRange() {
        return serviceNodePortRange;
    }

    /** The ServiceAccount token flags. */
    public ServiceAccountTokenFlags serviceAccountTokens() {
        return serviceAccountTokens;
    }

    /** The {@code --oidc-*} flags. */
    public OidcFlags oidc() {
        return oidc;
    }

    /**
     * {@code --service-account-signing-key-file} ("" = a key generated into the data dir),
     * {@code --service-account-key-file} (comma list), {@code --service-account-issuer} (comma list, the
     * first issues), {@code --api-audiences} (comma list, default the issuers) and
     * {@code --service-account-max-token-expiration} (a Go duration such as {@code 24h}; "" = no limit).
     */
    public record ServiceAccountTokenFlags(String signingKeyFile, List<String> keyFiles, List<String> issuers,
                                           List<String> apiAudiences, String maxTokenExpiration) {
    }

    /**
     * {@code --oidc-issuer-url} ("" = OIDC off), {@code --oidc-client-id}, {@code --oidc-username-claim},
     * {@code --oidc-username-prefix}, {@code --oidc-groups-claim}, {@code --oidc-groups-prefix},
     * {@code --oidc-ca-file}, {@code --oidc-signing-algs} (comma list) and {@code --oidc-required-claim} (comma
     * list of {@code claim=value}; the flag given several times joins its values).
     */
    public record OidcFlags(String issuerUrl, String clientId, String usernameClaim, String usernamePrefix,
                            String groupsClaim, String groupsPrefix, String caFile, List<String> signingAlgs,
                            List<String> requiredClaims) {
    }

    /** {@code --tls-cert-file}: the serving certificate chain (PEM); "" = generate one in the data dir. */
    public String tlsCertFile() {
        return tlsCertFile;
    }

    /** {@code --tls-private-key-file}: the serving certificate's key (PEM). */
    public String tlsPrivateKeyFile() {
        return tlsPrivateKeyFile;
    }

    /** {@code --tls-san}: extra DNS names and IPs for the generated serving certificate. */
    public List<String> tlsSans() {
        return tlsSans;
    }

    /** {@code --client-ca-file}: CAs (PEM bundle) whose client certificates authenticate, besides Kapi's own CA. */
    public String clientCaFile() {
        return clientCaFile;
    }

    /** {@code --token-auth-file}: static bearer tokens (CSV: token,user,uid,"group1,group2"); "" = none. */
    public String tokenAuthFile() {
        return tokenAuthFile;
    }

    /** {@code --authorization-mode}: the authorizers, in order (RBAC, AlwaysAllow, AlwaysDeny). */
    public List<String> authorizationModes() {
        return authorizationModes;
    }

    /**
     * {@code --shutdown-delay-duration} (a Go duration, default 0): after SIGTERM, /readyz fails at once
     * while requests are still served this long; then the server stops (see {@link ServerShutdown}).
     */
    public Duration shutdownDelay() {
        return shutdownDelay;
    }

    /**
     * {@code --enable-admission-plugins}, {@code --disable-admission-plugins} (kube's plugin names) and
     * {@code --admission-control-config-file} (an AdmissionConfiguration with per-plugin configuration).
     */
    public record AdmissionFlags(List<String> enable, List<String> disable, String configFile) {
    }

    public AdmissionFlags admission() {
        return admission;
    }
}
