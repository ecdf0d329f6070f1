package dev.kimen.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The C2SP community age test vectors (https://github.com/C2SP/CCTV/tree/main/age) as published on
 * npm: cctv-age 0.2.0, pinned by the registry's integrity hash. The first run fetches the tarball
 * and writes one file per vector under {@code target/cctv-age-0.2.0/}; later runs read that
 * directory and need no network.
 */
final class CctvAgeVectors {
    static final String VERSION = "0.2.0";
    static final URI TARBALL = URI.create("https://registry.npmjs.org/cctv-age/-/cctv-age-" + VERSION + ".tgz");
    /** {@code dist.integrity} of cctv-age 0.2.0 in the npm registry: the SHA-512 of the .tgz. */
    static final String INTEGRITY =
            "sha512-1fiGAaWr+snqgu8+uCC7qPeApAuueOESET2npKe0FVLY+Huf+Kkia89Rybx/uoGNCml31SgAjiQIeFOY4K3New==";
    static final int COUNT = 143;
    static final Path DIR = Path.of("target", "cctv-age-" + VERSION);

    /** esbuild's output in package/index.js: one {@code var <name>_default = __toBinary("<base64>");} per vector. */
    private static final Pattern VAR = Pattern.compile("^var (\\w+) = __toBinary\\(\"([A-Za-z0-9+/]*={0,2})\"\\);$",
            Pattern.MULTILINE);
    /** …and one {@code export { <name>_default as <name>, … };} naming them. */
    private static final Pattern EXPORTS = Pattern.compile("^export \\{([^}]*)\\};", Pattern.MULTILINE);
    private static final Pattern EXPORT = Pattern.compile("(\\w+) as (\\w+)");

    private CctvAgeVectors() {}

    /** The directory of vectors, one file per vector named as the package exports it; fetched if absent. */
    static Path ensure() throws IOException, InterruptedException {
        if (!Files.isDirectory(DIR)) {
            Map<String, byte[]> vectors = parse(tarEntry(gunzip(verified(download())), "package/index.js"));
            Files.createDirectories(DIR.getParent());
            // Written aside and renamed, so an interrupted run never leaves a half-filled directory
            // that a later offline run would take as complete.
            Path part = Files.createTempDirectory(DIR.getParent(), DIR.getFileName() + ".part");
            for (var e : vectors.entrySet()) {
                Files.write(part.resolve(e.getKey()), e.getValue());
            }
            try {
                Files.move(part, DIR, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                deleteTree(part);
            }
        }
        try (Stream<Path> files = Files.list(DIR)) {
            assertEquals(COUNT, files.count(), DIR + " should hold the " + COUNT + " vectors of cctv-age " + VERSION
                    + "; delete it to fetch them again");
        }
        return DIR;
    }

    private static byte[] download() throws IOException, InterruptedException {
        var client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build();
        var request = HttpRequest.newBuilder(TARBALL).timeout(Duration.ofSeconds(120)).GET().build();
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IOException("cannot fetch " + TARBALL + " (" + e + "); the age vectors are fetched once into "
                    + DIR + ", so run this test once with network", e);
        }
        if (response.statusCode() != 200) {
            throw new IOException("fetching " + TARBALL + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    private static byte[] verified(byte[] tgz) {
        byte[] want = Base64.getDecoder().decode(INTEGRITY.substring("sha512-".length()));
        byte[] got;
        try {
            got = MessageDigest.getInstance("SHA-512").digest(tgz);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!MessageDigest.isEqual(want, got)) {
            throw new IllegalStateException(TARBALL + " is not the pinned cctv-age " + VERSION + ": its SHA-512 is sha512-"
                    + Base64.getEncoder().encodeToString(got) + ", the registry's integrity is " + INTEGRITY);
        }
        return tgz;
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    /**
     * One regular file's bytes out of a tar archive. The JDK reads gzip but not tar; rather than
     * depend on a system {@code tar} (its presence and flags vary), this reads the ustar headers
     * (POSIX.1-1988: 512-byte blocks; name at 0, octal size at 124, type at 156, prefix at 345),
     * which is all the pinned tarball uses: its four entries have short names and no pax records.
     */
    static byte[] tarEntry(byte[] tar, String wanted) {
        for (int at = 0; at + 512 <= tar.length; ) {
            if (Arrays.equals(tar, at, at + 512, new byte[512], 0, 512)) {
                break;
            }
            String name = field(tar, at, 100);
            String prefix = field(tar, at + 345, 155);
            if (field(tar, at + 257, 6).startsWith("ustar") && !prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            int size = Integer.parseInt(field(tar, at + 124, 12).strip(), 8);
            byte type = tar[at + 156];
            int data = at + 512;
            if ((type == '0' || type == 0) && name.equals(wanted)) {
                return Arrays.copyOfRange(tar, data, data + size);
            }
            at = data + (size + 511) / 512 * 512;
        }
        throw new IllegalStateException(wanted + " is not in " + TARBALL);
    }

    private static String field(byte[] block, int from, int length) {
        int end = from;
        while (end < from + length && block[end] != 0) {
            end++;
        }
        return new String(block, from, end - from, StandardCharsets.US_ASCII);
    }

    /** Each exported vector's name and bytes, from the text of package/index.js. */
    static Map<String, byte[]> parse(byte[] indexJs) {
        String js = new String(indexJs, StandardCharsets.UTF_8);
        var byVar = new LinkedHashMap<String, byte[]>();
        for (Matcher m = VAR.matcher(js); m.find(); ) {
            byVar.put(m.group(1), Base64.getDecoder().decode(m.group(2)));
        }
        Matcher block = EXPORTS.matcher(js);
        if (!block.find()) {
            throw new IllegalStateException("package/index.js has no export list");
        }
        var vectors = new LinkedHashMap<String, byte[]>();
        List<String> unmatched = new ArrayList<>();
        for (Matcher m = EXPORT.matcher(block.group(1)); m.find(); ) {
            byte[] bytes = byVar.remove(m.group(1));
            if (bytes == null) {
                unmatched.add(m.group(2));
            } else {
                vectors.put(m.group(2), bytes);
            }
        }
        if (!unmatched.isEmpty() || !byVar.isEmpty()) {
            throw new IllegalStateException("package/index.js: exports without bytes " + unmatched
                    + ", bytes without an export " + byVar.keySet());
        }
        assertEquals(COUNT, vectors.size(), "vectors in cctv-age " + VERSION);
        return vectors;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
