package dev.kimen.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a brokered binding's value may go: the hosts (each with a port, 443 unless written) that
 * the run's proxy sends the real value to, in place of the placeholder the command holds. Written
 * in a map as {@code broker=api.openai.com} or {@code broker=api.example.test:8443,other.test}.
 */
public record BrokerHosts(List<Endpoint> endpoints, boolean body) {
    public BrokerHosts {
        endpoints = List.copyOf(endpoints);
    }

    /**
     * Where the placeholder is swapped, from {@code in=…}: {@code headers} (the default), {@code body},
     * or both; throws IllegalArgumentException naming anything else.
     */
    public BrokerHosts in(String places) {
        boolean headers = false;
        boolean inBody = false;
        for (String place : places.split(",", -1)) {
            switch (place) {
                case "headers" -> headers = true;
                case "body" -> inBody = true;
                default -> throw new IllegalArgumentException("'" + place + "' is not headers or body");
            }
        }
        if (!headers) {
            throw new IllegalArgumentException("the headers are always brokered: write in=headers,body");
        }
        return new BrokerHosts(endpoints, inBody);
    }

    /** One host and port, the host in lower case. */
    public record Endpoint(String host, int port) {
        @Override
        public String toString() {
            return port == 443 ? host : host + ":" + port;
        }
    }

    /** Parses {@code host[:port][,host[:port]…]}; throws IllegalArgumentException with the reason. */
    public static BrokerHosts parse(String text) {
        var endpoints = new ArrayList<Endpoint>();
        for (String item : text.split(",", -1)) {
            int colon = item.lastIndexOf(':');
            String host = (colon < 0 ? item : item.substring(0, colon)).toLowerCase(Locale.ROOT);
            int port = 443;
            if (colon >= 0) {
                String digits = item.substring(colon + 1);
                port = digits.matches("[0-9]{1,5}") ? Integer.parseInt(digits) : 0;
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("'" + digits + "' is not a port");
                }
            }
            if (!validHost(host)) {
                throw new IllegalArgumentException(host.isEmpty() ? "an empty host" : "'" + host + "' is not a host name");
            }
            endpoints.add(new Endpoint(host, port));
        }
        return new BrokerHosts(endpoints, false);
    }

    /** Whether the value may go to {@code host:port}. */
    public boolean allows(String host, int port) {
        String lower = host.toLowerCase(Locale.ROOT);
        return endpoints.stream().anyMatch(e -> e.host().equals(lower) && e.port() == port);
    }

    /** As written back: {@code api.openai.com,api.example.test:8443} (and {@code in=headers,body} when so). */
    public String describe() {
        return String.join(",", endpoints.stream().map(Endpoint::toString).toList()) + (body ? " in=headers,body" : "");
    }

    /**
     * A DNS name of letters, digits and hyphens in dot-separated labels, not an address: the
     * broker's CA may sign for these names only (its name constraints), and an IP is no name.
     */
    static boolean validHost(String host) {
        if (host.isEmpty() || host.length() > 253 || host.matches("[0-9.]+")) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (!label.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
                return false;
            }
        }
        return true;
    }
}
