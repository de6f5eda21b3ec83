package dev.kapi.apiserver.endpoints.discovery;

import dev.kapi.apiserver.endpoints.PathHandler;
import dev.kapi.apiserver.endpoints.Responses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serves {@code GET /version}: the Kubernetes version this server implements, in the shape of
 * apimachinery's {@code version.Info} ({@code kubectl version} parses {@code gitVersion} as semver).
 */
public final class VersionHandler implements PathHandler {

    /** The Kubernetes minor release whose API this server follows. */
    public static final String MAJOR = "1";
    public static final String MINOR = "32";
    public static final String GIT_VERSION = "v1.32.0-kapi";

    private final Map<String, String> info;

    /** Reports {@code gitCommit} and {@code buildDate} from the jar manifest when present. */
    public VersionHandler() {
        Package pkg = VersionHandler.class.getPackage();
        String impl = pkg == null ? null : pkg.getImplementationVersion();
        this.info = info(impl == null ? "unknown" : impl, "1970-01-01T00:00:00Z");
    }

    /** Reports the given commit and build date (RFC 3339). */
    public VersionHandler(String gitCommit, String buildDate) {
        this.info = info(gitCommit, buildDate);
    }

    private static Map<String, String> info(String gitCommit, String buildDate) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("major", MAJOR);
        m.put("minor", MINOR);
        m.put("gitVersion", GIT_VERSION);
        m.put("gitCommit", gitCommit);
        m.put("gitTreeState", "clean");
        m.put("buildDate", buildDate);
        m.put("goVersion", "java" + Runtime.version().feature());
        m.put("compiler", "javac");
        m.put("platform", platform());
        return java.util.Collections.unmodifiableMap(m);
    }

    /** GOOS/GOARCH of this JVM: linux/amd64, linux/arm64, darwin/arm64, ... */
    static String platform() {
        String os = System.getProperty("os.name", "linux").toLowerCase(java.util.Locale.ROOT);
        String goos = os.startsWith("mac") ? "darwin" : os.startsWith("windows") ? "windows" : os.split(" ")[0];
        String arch = System.getProperty("os.arch", "amd64");
        String goarch = switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
        return goos + "/" + goarch;
    }

    @Override
    public boolean matches(String method, String path) {
        return ("GET".equals(method) || "HEAD".equals(method)) && ("/version".equals(path) || "/version/".equals(path));
    }

    @Override
    public void handle(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        Responses.write(request, response, 200, info);
    }

    @Override
    public List<String> listedPaths() {
        return List.of("/version");
    }
}
