package dev.kimen.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerRunTest {
    private static final List<BrokerProxy.Brokered> BROKERED = List.of(new BrokerProxy.Brokered("openai", "OPENAI_API_KEY",
            "v", "p", BrokerHosts.parse("api.openai.com,api.example.test:8443")));

    @Test
    void noProxyCannotExemptABrokeredHost() {
        assertEquals("localhost,127.0.0.1,.corp.example",
                BrokerRun.withoutBrokered("localhost, 127.0.0.1,api.openai.com,.corp.example", BROKERED));
        assertEquals("localhost", BrokerRun.withoutBrokered("*,localhost", BROKERED), "* exempts every host");
        assertEquals("", BrokerRun.withoutBrokered(".openai.com,openai.com,*.example.test,API.OPENAI.COM:443", BROKERED),
                "a domain, a wildcard, a port and another case each cover a brokered host");
        assertEquals("notopenai.com,penai.com", BrokerRun.withoutBrokered("notopenai.com,penai.com", BROKERED));
    }
}
