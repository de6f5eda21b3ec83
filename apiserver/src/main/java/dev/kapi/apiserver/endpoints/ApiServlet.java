package dev.kapi.apiserver.endpoints;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.filters.RequestInfo;
import dev.kapi.apiserver.filters.RequestInfoResolver;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * The API handler at the end of the filter chain: resource requests go to the {@link ResourceDispatcher},
 * other paths to the first {@link PathHandler} that matches, anything else is a 404 Status. Every error
 * leaves as a Kubernetes {@code Status}.
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
        RequestInfo info = (RequestInfo) req.getAttribute(RequestInfo.ATTRIBUTE);
        if (info == null) {
            info = RequestInfoResolver.resolve(req.getMethod(), req.getRequestURI(), req.getParameter("watch"), null);
        }
        try {
            if (info.resourceRequest()) {
                dispatcher.dispatch(info, req, res);
                return;
            }
            for (PathHandler h : pathHandlers) {
                if (h.matches(req.getMethod(), req.getRequestURI())) {
                    h.handle(req, res);
                    return;
                }
            }
            throw StatusError.notFoundPath();
        } catch (StatusError e) {
            Responses.writeError(res, e);
        } catch (IllegalArgumentException e) {
            Responses.writeError(res, StatusError.badRequest(e.getMessage()));
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", req.getMethod(), req.getRequestURI(), e);
            Responses.writeError(res, StatusError.internal(String.valueOf(e.getMessage())));
        }
    }
}
