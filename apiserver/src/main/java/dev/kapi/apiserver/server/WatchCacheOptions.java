package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.GroupResource;
import java.util.HashSet;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * kube-apiserver's watch cache flags: {@code --watch-cache} (default true: every resource's reads and watches
 * are served from memory; false: everything goes to storage) and {@code --watch-cache-sizes}, a comma separated
 * list of {@code resource[.group]#size}. As in kube 1.32, a size only switches the cache off for that resource
 * when it is 0; any other size is accepted and ignored (the history is sized by age, see the cacher).
 */
@Component
public class WatchCacheOptions {

    private final boolean enabled;
    private final Set<GroupResource> disabled;

    public WatchCacheOptions(@Value("${watch-cache:true}") String enabled,
                             @Value("${watch-cache-sizes:}") String sizes) {
        this.enabled = switch (enabled.trim()) {
            case "true", "" -> true;
            case "false" -> false;
            default -> throw new StartupFailure("invalid argument \"" + enabled + "\" for \"--watch-cache\" flag: "
                    + "strconv.ParseBool: parsing \"" + enabled + "\": invalid syntax");
        };
        this.disabled = parseSizes(sizes);
    }

    /** Whether {@code resource} of {@code group} is served from a watch cache. */
    public boolean cached(String group, String resource) {
        return enabled && !disabled.contains(new GroupResource(group, resource));
    }

    /** {@code --watch-cache}. */
    public boolean enabled() {
        return enabled;
    }

    static Set<GroupResource> parseSizes(String sizes) {
        Set<GroupResource> zero = new HashSet<>();
        for (String entry : sizes.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int hash = e.indexOf('#');
            if (hash <= 0 || hash != e.lastIndexOf('#')) {
                throw new StartupFailure("--watch-cache-sizes: invalid value of watch cache size: " + e);
            }
            int size;
            try {
                size = Integer.parseInt(e.substring(hash + 1));
            } catch (NumberFormatException ex) {
                throw new StartupFailure("--watch-cache-sizes: invalid size of watch cache size: " + e);
            }
            if (size < 0) {
                throw new StartupFailure("--watch-cache-sizes: watch cache size cannot be negative: " + e);
            }
            String name = e.substring(0, hash);
            int dot = name.indexOf('.');
            GroupResource gr = dot < 0 ? new GroupResource("", name)
                    : new GroupResource(name.substring(dot + 1), name.substring(0, dot));
            if (size == 0) {
                zero.add(gr);
            }
        }
        return Set.copyOf(zero);
    }
}
