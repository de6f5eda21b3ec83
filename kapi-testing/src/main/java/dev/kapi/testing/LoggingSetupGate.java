package dev.kapi.testing;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;

import java.util.concurrent.locks.ReentrantLock;

/**
 * One server start at a time through Spring Boot's logging set-up. Every start sets up the test JVM's one Logback
 * (Boot's {@code LoggingApplicationListener}, from {@link ApplicationStartingEvent} to
 * {@link ApplicationEnvironmentPreparedEvent}); it checks whether Logback is set up already and then resets and
 * configures it, so two starts at once (test classes run concurrently) each added their console appender, and
 * every later log line of the run came twice. The rest of a start runs concurrently as before.
 */
final class LoggingSetupGate {

    private static final ReentrantLock LOCK = new ReentrantLock();

    private LoggingSetupGate() {
    }

    /** Adds the listeners that close the gate before Boot's logging set-up and open it after. */
    static void addTo(SpringApplication app) {
        app.addListeners(new Enter(), new Exit());
    }

    /** Opens the gate if this thread holds it (a start that failed before its environment was prepared). */
    static void leave() {
        while (LOCK.isHeldByCurrentThread()) {
            LOCK.unlock();
        }
    }

    /** First of the listeners to see a start. */
    private static final class Enter implements GenericApplicationListener {

        @Override
        public boolean supportsEventType(ResolvableType eventType) {
            return ApplicationStartingEvent.class.isAssignableFrom(eventType.toClass());
        }

        @Override
        public void onApplicationEvent(ApplicationEvent event) {
            LOCK.lock();
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }

    /** Last of the listeners to see the prepared environment (Boot's logging set-up is done), or a failure. */
    private static final class Exit implements GenericApplicationListener {

        @Override
        public boolean supportsEventType(ResolvableType eventType) {
            Class<?> type = eventType.toClass();
            return ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(type)
                    || ApplicationFailedEvent.class.isAssignableFrom(type);
        }

        @Override
        public void onApplicationEvent(ApplicationEvent event) {
            leave();
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
