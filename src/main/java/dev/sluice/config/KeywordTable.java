package dev.sluice.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keywords one kind of section accepts. The parser looks every statement up
 * here; a feature adds its keywords through {@link KeywordRegistry}. Names have
 * one or two words, and a two-word name ({@code timeout connect},
 * {@code option http-keep-alive}) wins over a one-word one.
 *
 * <p>Built once, then only read: safe to share between threads once {@link Keywords} is initialised.
 *
 * @param <T> the section builder the keywords write to
 */
final class KeywordTable<T> implements KeywordSink<T> {
    private final String section;
    private final Map<String, Keyword<T>> keywords = new LinkedHashMap<>();

    KeywordTable(String section) {
        this.section = section;
    }

    /** The section name as docs/configuration.md writes it. */
    String section() {
        return section;
    }

    @Override
    public void add(Keyword<T> keyword) {
        if (keywords.putIfAbsent(keyword.name(), keyword) != null) {
            throw new IllegalStateException(section + ": keyword '" + keyword.name() + "' declared twice");
        }
    }

    /** The keyword a statement starts with, or null. */
    Keyword<T> find(List<String> words) {
        if (words.size() >= 3) {
            Keyword<T> threeWords = keywords.get(words.get(0) + " " + words.get(1) + " " + words.get(2));
            if (threeWords != null) {
                return threeWords;
            }
        }
        if (words.size() >= 2) {
            Keyword<T> twoWords = keywords.get(words.get(0) + " " + words.get(1));
            if (twoWords != null) {
                return twoWords;
            }
        }
        return keywords.get(words.get(0));
    }

    /** The keyword of exactly that name, or null. */
    Keyword<T> get(String name) {
        return keywords.get(name);
    }

    /** True when some two-word keyword starts with this word. */
    boolean isPrefix(String word) {
        String prefix = word + " ";
        for (String name : keywords.keySet()) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** Every keyword name, in declaration order, with how it is supported. */
    Map<String, Support> names() {
        Map<String, Support> names = new LinkedHashMap<>();
        keywords.forEach((name, keyword) -> names.put(name, keyword.support()));
        return Collections.unmodifiableMap(names);
    }
}
