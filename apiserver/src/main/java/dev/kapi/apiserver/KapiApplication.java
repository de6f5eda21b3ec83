package dev.kapi.apiserver;

import dev.kapi.apiserver.server.ServerShutdown;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;

import java.util.List;

/**
 * Starts Kapi. Flags use kube-apiserver's names: {@code --etcd-servers}, {@code --secure-port}, ...
 * Spring Security's filter is registered by {@code server.HandlerChain} (not Boot), and there is no
 * generated in-memory user, nor Boot's {@code /error} page (errors are never re-dispatched; see
 * {@code server.HandlerChain}).
 */
@SpringBootApplication(exclude = {SecurityFilterAutoConfiguration.class, UserDetailsServiceAutoConfiguration.class,
        ErrorMvcAutoConfiguration.class})
public class KapiApplication {

    public static void main(String[] args) {
        String[] flags;
        try {
            flags = flags(args);
        } catch (IllegalArgumentException e) {
            System.err.println("Error: " + e.getMessage());
            System.exit(1);
            return;
        }
        SpringApplication.run(KapiApplication.class, flags).getBean(ServerShutdown.class).installBackstop();
    }

    /**
     * The command line as the server reads it: kube's spellings normalized ({@code --name value},
     * {@code -v=2}, ...); an {@link IllegalArgumentException} ({@code unknown flag: --x}) for a flag kube-apiserver
     * and Kapi do not have. The in-JVM test server checks its flags here too.
     */
    public static String[] flags(String... args) {
        String[] flags = FlagArgs.normalize(args);
        List<String> unknown = KnownFlags.unknown(flags);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown flag: " + unknown.getFirst());
        }
        return flags;
    }
}
