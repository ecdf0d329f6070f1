package dev.kimen.json;

import com.grack.nanojson.JsonWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON output through nanojson: small, no reflection, cheap to load (start-up is a budget). */
public final class Json {
    private Json() {}

    /** An ordered object from alternating keys and values. */
    public static Map<String, Object> object(Object... keysAndValues) {
        var map = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** One line of JSON. Values may be strings, numbers, booleans, null, maps and collections. */
    public static String write(Map<String, ?> object) {
        return JsonWriter.string().object(object).done();
    }
}
