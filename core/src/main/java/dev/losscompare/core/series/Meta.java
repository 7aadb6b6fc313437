package dev.losscompare.core.series;

import java.util.LinkedHashMap;
import java.util.Map;

/** A run's meta (the {"meta":{...}} line): a JSON null means the fact is unknown, so it is left out. */
public final class Meta {
    private Meta() {}

    @SuppressWarnings("unchecked")
    public static Map<String, Object> withoutNulls(Map<?, ?> meta) {
        if (meta == null) return Map.of();
        Map<String, Object> copy = new LinkedHashMap<>();
        meta.forEach((k, v) -> {
            if (k != null && v != null) copy.put(String.valueOf(k), v);
        });
        return Map.copyOf(copy);
    }
}
