package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.registry.informer.Informer;

import java.util.ArrayList;
import java.util.List;

/**
 * For tests of controllers outside this package: starts and stops a group of controllers and the informers of
 * their {@link SharedInformers}, as {@link ControllerManager} does, without the manager's other controllers.
 */
public final class ControllerRunner implements AutoCloseable {

    private final List<Controller> controllers;
    private final List<Informer<?>> informers;

    private ControllerRunner(List<Controller> controllers, List<Informer<?>> informers) {
        this.controllers = controllers;
        this.informers = informers;
    }

    /** Starts every informer of {@code informers} (all asked for by now) and the controllers. */
    public static ControllerRunner start(SharedInformers informers, List<Controller> controllers) {
        List<Informer<?>> all = informers.all();
        all.forEach(Informer::start);
        controllers.forEach(Controller::start);
        return new ControllerRunner(List.copyOf(controllers), all);
    }

    @Override
    public void close() {
        List<Thread> workers = new ArrayList<>();
        controllers.forEach(c -> workers.addAll(c.stop()));
        long deadline = System.nanoTime() + ControllerManager.STOP_WAIT.toNanos();
        Informer.closeAll(informers, ControllerManager.STOP_WAIT);
        Informer.joinUntil(workers, deadline);
    }
}
