package dev.kapi.apiserver.server;

import org.springframework.context.SmartLifecycle;

/**
 * A step of the server's startup, run by Spring in its phase (lower first) before the web server takes
 * requests: {@link #begin} does the work; stopping only records that the step no longer runs (what it started
 * is closed with its beans, after the web server has stopped).
 */
abstract class StartupStep implements SmartLifecycle {

    private final int phase;
    private volatile boolean running;

    StartupStep(int phase) {
        this.phase = phase;
    }

    /** The step's work, once, on start. */
    protected abstract void begin();

    @Override
    public final void start() {
        running = true;
        begin();
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return phase;
    }
}
