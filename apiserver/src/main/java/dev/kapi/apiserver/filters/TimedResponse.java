package dev.kapi.apiserver.filters;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.StatusResponses;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The response of a request with a deadline (kube's {@code timeoutWriter}): until the handler starts its answer
 * (its first body byte, a flush or an error sent), {@link #timeOut} may take the response over and answer kube's
 * 504 Timeout instead; from then on everything the handler does to the response is dropped and its writes fail,
 * so that it stops. Once the handler has started, the deadline no longer touches its answer.
 */
final class TimedResponse extends HttpServletResponseWrapper {

    /** kube's {@code WithTimeoutForNonLongRunningRequests} answer. */
    static final String MESSAGE = "request did not complete within the allotted timeout";

    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean timedOut;
    private boolean started;
    private ServletOutputStream out;
    private PrintWriter writer;

    TimedResponse(HttpServletResponse response) {
        super(response);
    }

    boolean timedOut() {
        return timedOut;
    }

    /**
     * Answers 504 in the handler's place unless it has started its answer; true when it did. The headers the
     * handler set are dropped, the request's {@code Audit-Id} kept; {@code close}: the answer says
     * {@code Connection: close} (a body is still arriving, and the connection ends).
     */
    boolean timeOut(HttpServletRequest req, boolean close) {
        lock.lock();
        try {
            HttpServletResponse res = (HttpServletResponse) getResponse();
            if (started || timedOut || res.isCommitted()) {
                return false;
            }
            timedOut = true;
            String auditId = res.getHeader("Audit-Id");
            res.reset();
            if (auditId != null) {
                res.setHeader("Audit-Id", auditId);
            }
            if (close) {
                res.setHeader("Connection", "close");
            }
            StatusResponses.write(req, res, StatusError.timeout("Timeout: " + MESSAGE).status());
            return true;
        } catch (IOException | IllegalStateException e) {
            return true; // the client left: nothing to answer
        } finally {
            lock.unlock();
        }
    }

    /** The handler returned: what it wrote through {@link #getWriter} goes out, and the deadline changes nothing. */
    void finish() {
        if (writer != null) {
            writer.flush(); // the container flushes its own writer, never this one
        }
        lock.lock();
        try {
            started = true;
        } finally {
            lock.unlock();
        }
    }

    /** Runs a change of the response unless the deadline took it over. */
    private void unlessTimedOut(Runnable change) {
        lock.lock();
        try {
            if (!timedOut) {
                change.run();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Marks the answer started and runs {@code write}; fails once the deadline took the response over. */
    private void starting(IoAction write) throws IOException {
        lock.lock();
        try {
            if (timedOut) {
                throw new IOException("the request's deadline passed: " + MESSAGE);
            }
            started = true;
            write.run();
        } finally {
            lock.unlock();
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (out == null) {
            out = new TimedOutput(super.getOutputStream());
        }
        return out;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            String encoding = getCharacterEncoding();
            writer = new PrintWriter(new OutputStreamWriter(getOutputStream(),
                    encoding == null ? Charset.forName("ISO-8859-1") : Charset.forName(encoding)));
        }
        return writer;
    }

    @Override
    public boolean isCommitted() {
        return timedOut || super.isCommitted();
    }

    @Override
    public int getStatus() {
        return timedOut ? 504 : super.getStatus();
    }

    @Override
    public void flushBuffer() throws IOException {
        if (writer != null) {
            writer.flush();
        }
        starting(super::flushBuffer);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        starting(() -> super.sendError(sc, msg));
    }

    @Override
    public void sendError(int sc) throws IOException {
        starting(() -> super.sendError(sc));
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        starting(() -> super.sendRedirect(location));
    }

    @Override
    public void setStatus(int sc) {
        unlessTimedOut(() -> super.setStatus(sc));
    }

    @Override
    public void setHeader(String name, String value) {
        unlessTimedOut(() -> super.setHeader(name, value));
    }

    @Override
    public void addHeader(String name, String value) {
        unlessTimedOut(() -> super.addHeader(name, value));
    }

    @Override
    public void setIntHeader(String name, int value) {
        unlessTimedOut(() -> super.setIntHeader(name, value));
    }

    @Override
    public void addIntHeader(String name, int value) {
        unlessTimedOut(() -> super.addIntHeader(name, value));
    }

    @Override
    public void setDateHeader(String name, long date) {
        unlessTimedOut(() -> super.setDateHeader(name, date));
    }

    @Override
    public void addDateHeader(String name, long date) {
        unlessTimedOut(() -> super.addDateHeader(name, date));
    }

    @Override
    public void setContentType(String type) {
        unlessTimedOut(() -> super.setContentType(type));
    }

    @Override
    public void setContentLength(int len) {
        unlessTimedOut(() -> super.setContentLength(len));
    }

    @Override
    public void setContentLengthLong(long len) {
        unlessTimedOut(() -> super.setContentLengthLong(len));
    }

    @Override
    public void setCharacterEncoding(String charset) {
        unlessTimedOut(() -> super.setCharacterEncoding(charset));
    }

    @Override
    public void setBufferSize(int size) {
        unlessTimedOut(() -> super.setBufferSize(size));
    }

    @Override
    public void reset() {
        unlessTimedOut(super::reset);
    }

    @Override
    public void resetBuffer() {
        unlessTimedOut(super::resetBuffer);
    }

    /** The handler's body: each write starts the answer, or fails once the deadline took the response over. */
    private final class TimedOutput extends ServletOutputStream {
        private final ServletOutputStream delegate;

        TimedOutput(ServletOutputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(int b) throws IOException {
            starting(() -> delegate.write(b));
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            starting(() -> delegate.write(b, off, len));
        }

        @Override
        public void flush() throws IOException {
            starting(delegate::flush);
        }

        @Override
        public void close() throws IOException {
            if (!timedOut) {
                starting(delegate::close);
            }
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            delegate.setWriteListener(listener);
        }
    }
}
