package dev.sluice.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Random sequences of adds, removals and misuses over two lists and owners
 * that each hold two links, checked after every step against a model made of
 * plain {@link ArrayList}s: the lists' contents and order, their sizes, which
 * list holds each link, and that every misuse fails without changing anything.
 */
class IntrusiveListProperties {
    private static final int OWNERS = 6;

    enum Kind { ADD_LAST, REMOVE_FIRST, REMOVE }

    /** One action on list {@code list} with link {@code slot} of owner {@code owner}. */
    record Step(Kind kind, int list, int owner, int slot) {
    }

    @Provide
    Arbitrary<Step> steps() {
        return Combinators.combine(Arbitraries.of(Kind.values()), Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(0, OWNERS - 1), Arbitraries.integers().between(0, 1)).as(Step::new);
    }

    static final class Owner {
        final int id;
        @SuppressWarnings("unchecked")
        final IntrusiveList.Link<Owner>[] links = new IntrusiveList.Link[] {new IntrusiveList.Link<>(this), new IntrusiveList.Link<>(this)};

        Owner(int id) {
            this.id = id;
        }

        @Override
        public String toString() {
            return "owner" + id;
        }
    }

    /** Where each link of the model is: which list (or -1), and in what order each list holds its links. */
    private static final class Model {
        final List<IntrusiveList<Owner>> lists = List.of(new IntrusiveList<>(), new IntrusiveList<>());
        final List<List<IntrusiveList.Link<Owner>>> expected = List.of(new ArrayList<>(), new ArrayList<>());
        final Owner[] owners = new Owner[OWNERS];
        int misuses;

        Model() {
            for (int i = 0; i < OWNERS; i++) {
                owners[i] = new Owner(i);
            }
        }

        int holderOf(IntrusiveList.Link<Owner> link) {
            for (int k = 0; k < 2; k++) {
                if (expected.get(k).contains(link)) {
                    return k;
                }
            }
            return -1;
        }

        void apply(Step step) {
            IntrusiveList<Owner> list = lists.get(step.list());
            List<IntrusiveList.Link<Owner>> model = expected.get(step.list());
            IntrusiveList.Link<Owner> link = owners[step.owner()].links[step.slot()];
            switch (step.kind()) {
                case ADD_LAST -> {
                    if (holderOf(link) >= 0) {
                        assertThrows(IllegalStateException.class, () -> list.addLast(link), "a linked link added again");
                        misuses++;
                    } else {
                        list.addLast(link);
                        model.add(link);
                    }
                }
                case REMOVE_FIRST -> {
                    Owner got = list.removeFirst();
                    if (model.isEmpty()) {
                        assertEquals(null, got);
                    } else {
                        IntrusiveList.Link<Owner> head = model.remove(0);
                        assertSame(head.owner(), got, "removeFirst takes the oldest");
                    }
                }
                case REMOVE -> {
                    if (holderOf(link) != step.list()) {
                        assertThrows(IllegalStateException.class, () -> list.remove(link), "removed a link this list does not hold");
                        misuses++;
                    } else {
                        list.remove(link);
                        model.remove(link);
                    }
                }
            }
        }

        void check() {
            for (int k = 0; k < 2; k++) {
                IntrusiveList<Owner> list = lists.get(k);
                List<IntrusiveList.Link<Owner>> model = expected.get(k);
                list.checkInvariants();
                assertEquals(model.size(), list.size(), "size of list " + k);
                assertEquals(model.isEmpty(), list.isEmpty());
                assertSame(model.isEmpty() ? null : model.get(0).owner(), list.peekFirst());
                List<IntrusiveList.Link<Owner>> walked = new ArrayList<>();
                for (IntrusiveList.Link<Owner> l = list.first(); l != null; l = l.next()) {
                    walked.add(l);
                }
                assertEquals(model, walked, "contents and order of list " + k);
            }
            for (Owner o : owners) {
                for (IntrusiveList.Link<Owner> link : o.links) {
                    int holder = holderOf(link);
                    assertEquals(holder >= 0, link.isLinked(), link + " linked");
                    for (int k = 0; k < 2; k++) {
                        assertEquals(holder == k, lists.get(k).contains(link), link + " in list " + k);
                    }
                }
            }
        }
    }

    @Property(tries = 2000)
    void everyStepLeavesBothListsEqualToTheModel(@ForAll @Size(max = 200) List<@net.jqwik.api.From("steps") Step> steps) {
        Model model = new Model();
        for (Step step : steps) {
            model.apply(step);
            model.check();
        }
        Statistics.label("misuses refused").collect(model.misuses > 0 ? "some" : "none");
    }
}
