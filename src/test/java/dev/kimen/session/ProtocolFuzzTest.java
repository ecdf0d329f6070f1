package dev.kimen.session;

import dev.kimen.Fuzz;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzes the session protocol's reader, the daemon's side of a socket any process of the user
 * can write to: a message, or an IOException (a ProtocolException, or the end of the stream).
 */
class ProtocolFuzzTest {
    @Property
    void anyFrameReadsOrFailsCleanly(@ForAll("inputs") byte[] input) throws Exception {
        Fuzz.cleanly(() -> Protocol.discard(Protocol.read(Channels.newChannel(new ByteArrayInputStream(input)))),
                IOException.class);
    }

    @Provide
    Arbitrary<byte[]> inputs() {
        return Fuzz.inputs("protocol");
    }

    @Example
    void theSeedsRead() throws Exception {
        for (byte[] seed : Fuzz.seeds("protocol")) {
            Protocol.discard(Protocol.read(Channels.newChannel(new ByteArrayInputStream(seed))));
        }
    }
}
