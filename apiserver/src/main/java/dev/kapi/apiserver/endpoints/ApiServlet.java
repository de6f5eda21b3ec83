package dev.kapi.apiserver.endpoints;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.filters.RequestInfo;
import dev.kapi.apiserver.authz.AuthorizedRequest;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The API handler at the end of the filter chain: resource requests go to the {@link ResourceDispatcher},
 * other paths to the first {@link PathHandler} that matches, anything else is a 404 Status. Every error
 * leaves as a Kubernetes {@code Status}.
 *
 * <p>It serves only what authorization allowed: the {@link AuthorizedRequest} the authorization stage left for
 * this very request (its REQUEST dispatch, same method and URI), and exactly the request info and user in it.
 * Without one, nothing is read or written, whatever registration or dispatch brought the request here.
 */
public final class ApiServlet extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);

    private final transient ResourceDispatcher dispatcher;
    private final transient List<PathHandler> pathHandlers;

    public ApiServlet(ResourceDispatcher dispatcher, List<PathHandler> pathHandlers) {
        this.dispatcher = dispatcher;
        this.pathHandlers = List.copyOf(pathHandlers);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Optional<AuthorizedRequest> authorized = AuthorizedRequest.of(req);
        if (authorized.isEmpty()) {
            refuse(req, res);
            return;
        }
        RequestInfo info = authorized.get().info();
        try {
            if (info.resourceRequest()) {
                dispatcher.dispatch(authorized.get(), req, res);
                return;
            }
            for (PathHandler h : pathHandlers) {
                if (h.matches(req.getMethod(), info.path())) {
                    h.handle(info.path(), req, res);
                    return;
                }
            }
            throw StatusError.notFoundPath();
        } catch (StatusError e) {
            Responses.writeError(req, res, e);
        } catch (IllegalArgumentException e) {
            Responses.writeError(req, res, StatusError.badRequest(e.getMessage()));
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", req.getMethod(), req.getRequestURI(), e);
            Responses.writeError(req, res, StatusError.internal(String.valueOf(e.getMessage())));
        }
    }

    /**
     * A request without an authorization decision made for it is never served. The container's error page
     * dispatch (none is configured, see {@code StatusErrorPages}) gets a Status with the error's code and
     * nothing else; any other such request is a wiring fault in the handler chain, answered 403 and logged.
     */
    private static void refuse(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (req.getDispatcherType() == DispatcherType.ERROR) {
            Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
            int status = code instanceof Integer c && c >= 400 && c < 600 ? c : 500;
            Responses.writeError(req, res, StatusError.fromCode(status));
            return;
        }
        LOG.error("Refused {} {} ({} dispatch): no authorization decision was made for it", req.getMethod(),
                req.getRequestURI(), req.getDispatcherType());
        Responses.writeError(req, res, new StatusError(StatusError.status(403, "Forbidden",
                "forbidden: the request was not authorized", null)));
    }
}
