package dev.kapi.apiserver.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import org.springframework.boot.logging.structured.StructuredLogFormatter;

import java.util.Locale;

/**
 * One log event as one line of JSON, shaped like kube-apiserver's {@code --logging-format=json} (klog's JSON
 * logger): {@code ts} (Unix seconds with fraction), {@code level} (info, warn, error, debug, trace), {@code v}
 * (always 0), {@code logger}, {@code thread}, {@code msg}, and for an exception {@code err} (its class and
 * message) and {@code stacktrace}. For example:
 * <pre>{"ts":1733277600.123,"level":"info","v":0,"logger":"dev.kapi.apiserver.server.StorageConfig",
 * "thread":"main","msg":"Storage: etcd at http://127.0.0.1:2379"}</pre>
 */
public final class KubeJsonLogFormat implements StructuredLogFormatter<ILoggingEvent> {

    @Override
    public String format(ILoggingEvent event) {
        StringBuilder out = new StringBuilder(256).append('{');
        long ms = event.getTimeStamp();
        out.append("\"ts\":").append(ms / 1000).append('.').append(String.format(Locale.ROOT, "%03d", ms % 1000));
        field(out, "level", event.getLevel().toString().toLowerCase(Locale.ROOT));
        out.append(",\"v\":0");
        field(out, "logger", event.getLoggerName());
        field(out, "thread", event.getThreadName());
        field(out, "msg", event.getFormattedMessage());
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            field(out, "err", thrown.getClassName() + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage()));
            field(out, "stacktrace", ThrowableProxyUtil.asString(thrown));
        }
        return out.append("}\n").toString();
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(",\"").append(name).append("\":");
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
