package dev.sluice.stick;

/**
 * Where the rules find a stick table by the name of the section that declares
 * it. The runtime answers from the tables of the configuration in force; the
 * rules see it through the connection ({@code http.ConnectionAddresses}).
 *
 * <p>Implementations are called on a loop for each test and each tracking:
 * they must not block nor allocate (a map lookup by a name held as a constant
 * does neither).
 */
@FunctionalInterface
public interface StickTables {
    /** Knows no table. */
    StickTables NONE = name -> null;

    /** The table declared in section {@code name}, or null. */
    StickTable table(String name);
}
