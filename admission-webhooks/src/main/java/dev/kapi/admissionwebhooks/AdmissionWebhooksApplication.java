package dev.kapi.admissionwebhooks;

import dev.kapi.admissionwebhooks.server.RegistrationRunner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * Admission webhooks a platform team deploys next to any Kubernetes API server: pod defaults, an image
 * registry allow-list, required labels per namespace and no {@code :latest} images, each switched on in the
 * YAML configuration.
 *
 * <pre>
 * java -jar admission-webhooks.jar [print-config] [--config FILE] [--flag value ...]
 * </pre>
 * Without a command it serves the webhooks over HTTPS; {@code print-config} prints the webhook configurations
 * to register (with the caBundle) and exits.
 */
@SpringBootApplication
public class AdmissionWebhooksApplication {

    public static final String PRINT_CONFIG = "print-config";

    public static void main(String[] args) {
        run(args, System.out);
    }

    /** Serves the webhooks (the context is returned running), or runs the print-config command (returns null). */
    public static ConfigurableApplicationContext run(String[] args, PrintStream out) {
        boolean printConfig = args.length > 0 && args[0].equals(PRINT_CONFIG);
        String[] flags = Flags.normalize(printConfig ? Arrays.copyOfRange(args, 1, args.length) : args);
        SpringApplicationBuilder app = new SpringApplicationBuilder(AdmissionWebhooksApplication.class);
        if (!printConfig) {
            return app.run(flags);
        }
        // the certificates (and so the caBundle) as serving would have them, but no server, no registration and
        // no log lines in the YAML on stdout (errors still reach stderr through the StartupFailureReporter)
        try (ConfigurableApplicationContext context = app.web(WebApplicationType.NONE)
                .properties("kubeconfig=", "print-config=false", "spring.main.log-startup-info=false",
                        "logging.level.root=error")
                .run(flags)) {
            context.getBean(RegistrationRunner.class).print(out);
        }
        return null;
    }
}
