package dev.kapi.apiserver.registry.groups.discovery;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.groups.FieldChecks;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** discovery.k8s.io/v1 endpointslices: port protocol TCP and name "" by default; address checks. */
public final class EndpointSliceStrategy implements ResourceStrategy<EndpointSlice> {

    private static final List<String> ADDRESS_TYPES = List.of("FQDN", "IPv4", "IPv6");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final int MAX_ENDPOINTS = 1000;
    private static final int MAX_ADDRESSES = 100;
    private static final int MAX_PORTS = 20000;

    @Override
    public void applyDefaults(EndpointSlice slice) {
        if (slice.getPorts() != null) {
            for (EndpointPort p : slice.getPorts()) {
                if (p.getName() == null) {
                    p.setName("");
                }
                if (p.getProtocol() == null || p.getProtocol().isEmpty()) {
                    p.setProtocol("TCP");
                }
            }
        }
    }

    @Override
    public List<FieldError> validate(EndpointSlice slice) {
        List<FieldError> errs = new ArrayList<>();
        String type = slice.getAddressType();
        if (type == null || type.isEmpty()) {
            errs.add(FieldError.required("addressType", ""));
        } else {
            FieldChecks.oneOf(type, ADDRESS_TYPES, "addressType", errs);
        }
        List<Endpoint> endpoints = slice.getEndpoints() == null ? List.of() : slice.getEndpoints();
        if (endpoints.size() > MAX_ENDPOINTS) {
            errs.add(new FieldError(FieldError.Type.TOO_MANY, "endpoints", endpoints.size(),
                    "must have at most " + MAX_ENDPOINTS + " items"));
        }
        for (int i = 0; i < endpoints.size(); i++) {
            String p = "endpoints[" + i + "].addresses";
            List<String> addresses = endpoints.get(i).getAddresses();
            if (addresses == null || addresses.isEmpty()) {
                errs.add(FieldError.required(p, "must contain at least 1 address"));
                continue;
            }
            if (addresses.size() > MAX_ADDRESSES) {
                errs.add(new FieldError(FieldError.Type.TOO_MANY, p, addresses.size(),
                        "must have at most " + MAX_ADDRESSES + " items"));
            }
            for (int j = 0; j < addresses.size(); j++) {
                address(type, addresses.get(j), p + "[" + j + "]", errs);
            }
        }
        List<EndpointPort> ports = slice.getPorts() == null ? List.of() : slice.getPorts();
        if (ports.size() > MAX_PORTS) {
            errs.add(new FieldError(FieldError.Type.TOO_MANY, "ports", ports.size(),
                    "must have at most " + MAX_PORTS + " items"));
        }
        for (int i = 0; i < ports.size(); i++) {
            EndpointPort port = ports.get(i);
            String p = "ports[" + i + "]";
            if (port.getName() != null && !port.getName().isEmpty()) {
                for (String m : NameValidation.dns1123Label(port.getName())) {
                    errs.add(FieldError.invalid(p + ".name", port.getName(), m));
                }
            }
            FieldChecks.oneOf(port.getProtocol(), List.of("SCTP", "TCP", "UDP"), p + ".protocol", errs);
            if (port.getPort() != null && (port.getPort() < 1 || port.getPort() > 65535)) {
                errs.add(FieldError.invalid(p + ".port", port.getPort(), "must be between 1 and 65535, inclusive"));
            }
        }
        return errs;
    }

    private static void address(String type, String address, String path, List<FieldError> errs) {
        if ("IPv4".equals(type) && !IPV4.matcher(address).matches()) {
            errs.add(FieldError.invalid(path, address, "must be a valid IPv4 address"));
        } else if ("IPv6".equals(type) && !isIpv6(address)) {
            errs.add(FieldError.invalid(path, address, "must be a valid IPv6 address"));
        } else if ("FQDN".equals(type)) {
            for (String m : NameValidation.dns1123Subdomain(address)) {
                errs.add(FieldError.invalid(path, address, m));
            }
        }
    }

    private static boolean isIpv6(String address) {
        if (!address.contains(":") || !address.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(address) instanceof java.net.Inet6Address;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    @Override
    public List<FieldError> validateUpdate(EndpointSlice slice, EndpointSlice old) {
        List<FieldError> errs = new ArrayList<>(validate(slice));
        FieldChecks.immutable(slice.getAddressType(), old.getAddressType(), slice.getAddressType(), "addressType", errs);
        return errs;
    }

    @Override
    public List<TableColumn<EndpointSlice>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("AddressType", "string",
                        "addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation.",
                        s -> s.getAddressType() == null ? "" : s.getAddressType()),
                TableColumn.of("Ports", "string",
                        "ports specifies the list of network ports exposed by each endpoint in this slice.",
                        EndpointSliceStrategy::ports),
                TableColumn.of("Endpoints", "string", "endpoints is a list of unique endpoints in this slice.",
                        EndpointSliceStrategy::endpoints),
                TableColumn.ageColumn());
    }

    /** kube's {@code formatDiscoveryPorts}: up to three port numbers (or names, or *). */
    static String ports(EndpointSlice s) {
        List<String> list = new ArrayList<>();
        int count = 0;
        boolean more = false;
        for (EndpointPort p : s.getPorts() == null ? List.<EndpointPort>of() : s.getPorts()) {
            if (list.size() < 3) {
                list.add(p.getPort() != null ? String.valueOf(p.getPort()) : p.getName() != null ? p.getName() : "*");
            } else {
                more = true;
            }
            count++;
        }
        return withMore(list, more, count);
    }

    /** kube's {@code formatDiscoveryEndpoints}: up to three addresses. */
    static String endpoints(EndpointSlice s) {
        List<String> list = new ArrayList<>();
        int count = 0;
        boolean more = false;
        for (Endpoint e : s.getEndpoints() == null ? List.<Endpoint>of() : s.getEndpoints()) {
            for (String a : e.getAddresses() == null ? List.<String>of() : e.getAddresses()) {
                if (list.size() < 3) {
                    list.add(a);
                } else {
                    more = true;
                }
                count++;
            }
        }
        return withMore(list, more, count);
    }

    private static String withMore(List<String> list, boolean more, int count) {
        String s = String.join(",", list);
        if (more) {
            return s + " + " + (count - 3) + " more...";
        }
        return s.isEmpty() ? "<unset>" : s;
    }
}
