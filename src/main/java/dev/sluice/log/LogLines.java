package dev.sluice.log;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code log} lines of one proxy section, in order, as HAProxy reads them:
 * {@code log global} stands for every line of the {@code global} section, {@code no log}
 * forgets the lines given so far (those inherited from {@code defaults} too), and a
 * section starts with a copy of its {@code defaults} section's lines.
 *
 * <p>Not thread-safe: owned by the configuration reader while it reads one file.
 */
public final class LogLines {
    private static final LogTarget GLOBAL = null;

    /** The targets, with null standing for {@code log global}. */
    private final List<LogTarget> lines = new ArrayList<>();

    public LogLines() {
    }

    /** A section's starting lines: a copy of its defaults section's. */
    public LogLines copy() {
        LogLines copy = new LogLines();
        copy.lines.addAll(lines);
        return copy;
    }

    /** Reads the words after {@code log}: {@code global}, or a target. */
    public void add(List<String> words) throws LogConfigException {
        if (!words.isEmpty() && words.get(0).equals("global")) {
            if (words.size() > 1) {
                throw new LogConfigException("log global takes no other argument, got '" + words.get(1) + "'");
            }
            addGlobal();
            return;
        }
        add(LogTarget.parse(words));
    }

    public void addGlobal() {
        lines.add(GLOBAL);
    }

    public void add(LogTarget target) {
        lines.add(target);
    }

    /** {@code no log}: forgets every line so far. */
    public void clear() {
        lines.clear();
    }

    public boolean isEmpty() {
        return lines.isEmpty();
    }

    /**
     * The targets lines go to, with {@code log global} replaced by {@code global}'s
     * lines. A target named twice (two {@code log global}, or a global line repeated)
     * is kept once: a line is never sent twice to the same place.
     */
    public List<LogTarget> resolve(List<LogTarget> global) {
        Set<LogTarget> targets = new LinkedHashSet<>();
        for (LogTarget line : lines) {
            if (line == GLOBAL) {
                targets.addAll(global);
            } else {
                targets.add(line);
            }
        }
        return List.copyOf(targets);
    }
}
