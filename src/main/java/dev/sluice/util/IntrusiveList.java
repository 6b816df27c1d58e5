package dev.sluice.util;

/**
 * A doubly linked FIFO whose nodes live in the objects it holds: each owner
 * keeps one {@link Link} per list it may join, as a final field made with the
 * owner, so that joining and leaving a list allocate nothing and an owner can
 * sit in several different lists at once (a session is in its loop's run queue
 * and in its loop's session set).
 *
 * <p>O(1): {@link #addLast}, {@link #removeFirst}, {@link #remove} of any link,
 * {@link #contains}, {@link #size}. Iteration allocates nothing either:
 * <pre>{@code
 * for (IntrusiveList.Link<T> l = list.first(); l != null; l = l.next()) {
 *     T t = l.owner();
 * }
 * }</pre>
 * (read {@code l.next()} before removing {@code l} if the loop removes).
 *
 * <p>Invariants, checked on every call that could break them, with an
 * {@link IllegalStateException} naming the link: a link is in at most one
 * list at a time, so adding a link that is already linked fails; and removing
 * a link that is not in this list fails, rather than corrupting another list.
 * {@link #checkInvariants()} walks the whole list, for tests and simulations.
 *
 * <p>Not thread-safe: a list and its links are guarded by whoever owns the
 * list (one event loop, or a lock held around every call, links' included).
 *
 * @param <T> the owners' type
 */
public final class IntrusiveList<T> {
    private Link<T> head;
    private Link<T> tail;
    private int size;

    /**
     * One owner's place in one list. Made once, with its owner, and reused for
     * every stay in a list; it remembers which list holds it, so that the
     * list can refuse a link it does not hold.
     *
     * <p>Not thread-safe: guarded as the list that holds it.
     */
    public static final class Link<T> {
        private final T owner;
        /** The list holding this link, or {@code null}. Package-private only so that a test can corrupt links. */
        IntrusiveList<T> list;
        Link<T> prev;
        Link<T> next;

        public Link(T owner) {
            if (owner == null) {
                throw new IllegalArgumentException("a link needs an owner");
            }
            this.owner = owner;
        }

        /** The object this link places in a list. */
        public T owner() {
            return owner;
        }

        /** True while some list holds this link. */
        public boolean isLinked() {
            return list != null;
        }

        /** The link after this one in its list, or {@code null} at the tail or when not linked. */
        public Link<T> next() {
            return next;
        }

        @Override
        public String toString() {
            return "link of " + owner;
        }
    }

    /** Appends {@code link} at the tail. */
    public void addLast(Link<T> link) {
        if (link.list != null) {
            throw new IllegalStateException(link + " is already in a list");
        }
        link.list = this;
        link.prev = tail;
        link.next = null;
        if (tail == null) {
            head = link;
        } else {
            tail.next = link;
        }
        tail = link;
        size++;
    }

    /** Takes the head out of the list and returns its owner, or {@code null} when the list is empty. */
    public T removeFirst() {
        Link<T> link = head;
        if (link == null) {
            return null;
        }
        head = link.next;
        if (head == null) {
            tail = null;
        } else {
            head.prev = null;
        }
        link.next = null;
        link.list = null;
        size--;
        return link.owner;
    }

    /**
     * Takes {@code link} out of this list, wherever it is.
     *
     * @throws IllegalStateException if this list does not hold it
     */
    public void remove(Link<T> link) {
        if (link.list != this) {
            throw new IllegalStateException(link + (link.list == null ? " is in no list" : " is in another list"));
        }
        Link<T> prev = link.prev;
        Link<T> next = link.next;
        if (prev == null) {
            head = next;
        } else {
            prev.next = next;
        }
        if (next == null) {
            tail = prev;
        } else {
            next.prev = prev;
        }
        link.prev = null;
        link.next = null;
        link.list = null;
        size--;
    }

    /** True if this list holds {@code link} (not merely some list). */
    public boolean contains(Link<T> link) {
        return link.list == this;
    }

    /** The head's owner, or {@code null} when the list is empty. */
    public T peekFirst() {
        return head == null ? null : head.owner;
    }

    /** The head link, where an iteration starts, or {@code null} when the list is empty. */
    public Link<T> first() {
        return head;
    }

    public boolean isEmpty() {
        return head == null;
    }

    public int size() {
        return size;
    }

    /**
     * Walks the list and throws {@link IllegalStateException} at the first
     * broken link: a back link that does not point to its predecessor, a link
     * that names another list, a tail or size that disagrees with the walk, or
     * a cycle. O(size): for tests, simulations and shutdown checks.
     */
    public void checkInvariants() {
        int n = 0;
        Link<T> prev = null;
        for (Link<T> l = head; l != null; l = l.next) {
            if (l.list != this) {
                throw new IllegalStateException("position " + n + ": " + l + " belongs to another list");
            }
            if (l.prev != prev) {
                throw new IllegalStateException("position " + n + ": " + l + " has a wrong back link");
            }
            if (++n > size) {
                throw new IllegalStateException("more links than the size " + size + " (a cycle?)");
            }
            prev = l;
        }
        if (prev != tail) {
            throw new IllegalStateException("the tail is not the last link");
        }
        if (n != size) {
            throw new IllegalStateException(n + " links but size " + size);
        }
    }
}
