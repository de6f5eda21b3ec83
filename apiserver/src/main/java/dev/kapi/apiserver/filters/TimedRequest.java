package dev.kapi.apiserver.filters;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.util.function.BooleanSupplier;

/**
 * The request of a request with a deadline (kube's {@code timeoutReader}): once the deadline has answered 504,
 * reading the body fails, so that a handler still waiting for a slow body never acts on it (the client was
 * told the request did not complete).
 */
final class TimedRequest extends HttpServletRequestWrapper {

    private final BooleanSupplier timedOut;
    private ServletInputStream in;

    TimedRequest(HttpServletRequest request, BooleanSupplier timedOut) {
        super(request);
        this.timedOut = timedOut;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (in == null) {
            in = new TimedInput(super.getInputStream());
        }
        return in;
    }

    @Override
    public BufferedReader getReader() throws IOException {
        String encoding = getCharacterEncoding();
        return new BufferedReader(new InputStreamReader(getInputStream(),
                encoding == null ? Charset.forName("ISO-8859-1") : Charset.forName(encoding)));
    }

    private final class TimedInput extends ServletInputStream {
        private final ServletInputStream delegate;

        TimedInput(ServletInputStream delegate) {
            this.delegate = delegate;
        }

        private void check() throws IOException {
            if (timedOut.getAsBoolean()) {
                throw new IOException("the request's deadline passed: " + TimedResponse.MESSAGE);
            }
        }

        @Override
        public int read() throws IOException {
            check();
            int b = delegate.read();
            check();
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check();
            int n = delegate.read(b, off, len);
            check();
            return n;
        }

        @Override
        public int available() throws IOException {
            return delegate.available();
        }

        @Override
        public boolean isFinished() {
            return delegate.isFinished();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            delegate.setReadListener(listener);
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
