// bench/MakeVault.java: writes a vault with N secrets in one go, for bench/startup.sh (setting
// them one `kimen secret set` at a time would rewrite the vault N times). Run as a single-file
// source program against the jar: java -cp target/kimen.jar bench/MakeVault.java VAULT N
// with the passphrase in $KIMEN_PASSPHRASE. Secret i is bench.s<i>, a 32-character value;
// bench.token is "value".
import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.vault.Vault;
import dev.kimen.vault.store.VaultStore;
import java.nio.file.Path;

public class MakeVault {
    public static void main(String[] args) {
        Path vault = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        String passphrase = System.getenv("KIMEN_PASSPHRASE");
        var store = new VaultStore(vault, () -> SecretBytes.ofUtf8(passphrase));
        store.create(SecretBytes.ofUtf8(passphrase), KdfParams.DEFAULT);
        store.update((Vault v) -> {
            v.put("bench.token", SecretBytes.ofUtf8("value"));
            for (int i = 1; i < n; i++) {
                v.put("bench.s" + i, SecretBytes.ofUtf8("%032d".formatted(i)));
            }
            return null;
        });
    }
}
