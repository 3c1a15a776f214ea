package org.lshsmile.core.lsh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.IntConsumer;
import org.lshsmile.core.grid.MemoryBudget;
import org.lshsmile.core.grid.OffHeap;

/**
 * Off-heap union-find-delete forest over the elements {@code 0..n-1}: the member sets of the LSH-SMILE
 * buckets. After Ben-Amram &amp; Yoffe, "A simple and efficient Union-Find-Delete algorithm", Theoretical
 * Computer Science 412(4) (2011) 487-492, which simplifies Alstrup, G&oslash;rtz, Rauhe, Thorup &amp; Zwick,
 * "Union-find with constant time deletions" (ICALP 2005).
 *
 * <h2>Model</h2>
 * Each element is in exactly one set or in none. A set is a rooted tree of <em>nodes</em>; nodes and
 * elements are separate (each live node holds one element, each element in a set sits in one node), so
 * deleting an element never leaves a vacant node behind. A set is identified by the id of its root node,
 * its <em>set id</em>. The id of a set stays the same until a union involving the set: finds do not move
 * the root, and {@link #delete} never removes the root node while the set has other elements (a deleted
 * root element trades places with a leaf's element and the leaf node goes). A new structure holds every
 * element {@code e} as the singleton with set id {@code e}.
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li>Every tree is <em>reduced</em> (height at most 1; root rank 1, or 0 for a singleton) or
 *       <em>full</em> (every non-leaf node has at least 3 children). Ranks strictly increase towards the
 *       root and leaves have rank 0.</li>
 *   <li>{@link #find}: path splitting (each node on the path is re-hung on its grandparent). A node
 *       left with fewer than 3 children hands them all to its parent and becomes a leaf, so the tree
 *       stays full.</li>
 *   <li>{@link #unionSets}: a tree of fewer than 4 nodes is taken apart and its nodes hung as leaves of
 *       the other root; otherwise union by rank. O(1) either way.</li>
 *   <li>{@link #delete}: find a leaf of the element's subtree in O(1) through the tree's DFS (preorder)
 *       list, swap the two nodes' elements, remove the leaf node, then rebuild locally: a non-root parent
 *       hands its 2 last children to its own parent, a root parent pulls the 3 last children of one of
 *       its non-leaf children up to itself; a node left with fewer than 3 children hands all of them up
 *       and becomes a leaf.</li>
 * </ul>
 * Besides the shape invariants these keep a value invariant in the manner of Alstrup et al.'s analysis:
 * with {@code val(x) = 1.5^rank(parent(x))} for a non-root node and {@code 1.5^rank(root)} for the root,
 * every tree has {@code sum of val >= 2^rank(root)}. Linking and path splitting only raise values and the
 * rank resets (new leaves to 0, roots of trees that fall back to height 1 to 1) only lower the bound; a
 * deleted leaf's value is paid back by the 2 children moved up one level (each gains at least half its
 * value), or by the 3 grandchildren moved up to the root. A tree of {@code s} nodes therefore has root
 * rank, and height, at most {@code log_{4/3} s}: a find is O(log s) in the worst case, and O(&alpha;(s))
 * amortised by the paper's analysis, in the current size of the set. Union and the structural part of
 * delete are O(1); {@link #delete} also needs the root, to keep {@link #size} O(1), which is free when
 * the element is the root or a child of it and otherwise costs one path-splitting find.
 *
 * <h2>Off-heap layout</h2>
 * Thirteen int arrays of length n, each its own 64-byte aligned {@link MemorySegment} in one shared
 * {@link Arena} owned by this object ({@value #BYTES_PER_ELEMENT} bytes per element). Node-indexed unless
 * said otherwise; {@code -1} means none:
 * <table>
 *   <caption>arrays</caption>
 *   <tr><th>array</th><th>content</th></tr>
 *   <tr><td>parent</td><td>parent node; the node itself for a root; -1 for a free node</td></tr>
 *   <tr><td>rank</td><td>union-by-rank rank</td></tr>
 *   <tr><td>element</td><td>element held by the node (-1 when free)</td></tr>
 *   <tr><td>size</td><td>number of nodes (= elements) of the tree; read at roots only</td></tr>
 *   <tr><td>childHead, childCount</td><td>first child and number of children</td></tr>
 *   <tr><td>sibPrev, sibNext</td><td>cyclic doubly linked list of a node's children, in preorder order;
 *       sibNext also links the free list</td></tr>
 *   <tr><td>dfsPrev, dfsNext</td><td>cyclic doubly linked list of all nodes of a tree in preorder, the
 *       root first; the last node is a leaf</td></tr>
 *   <tr><td>nlPrev, nlNext</td><td>cyclic list of the root's non-leaf children, the root as its own
 *       sentinel; meaningless at nodes that are not a root or a root's non-leaf child</td></tr>
 *   <tr><td>nodeOf (element-indexed)</td><td>node holding the element, -1 if it is in no set</td></tr>
 * </table>
 * Free nodes form a stack through sibNext; there are never more live nodes than elements in sets, so
 * capacity is fixed at n.
 *
 * <h2>Contract</h2>
 * Not thread-safe: one thread at a time (any thread, the arena is shared). Hot methods ({@link #find},
 * {@link #union}, {@link #unionSets}, {@link #delete}, {@link #makeSet}, {@link #size}) check no
 * arguments beyond the bounds checks of segment access: an element out of range fails with
 * {@link IndexOutOfBoundsException}, other precondition violations (a set id that is not a root,
 * {@code makeSet} of an element already in a set) leave the structure corrupt, which
 * {@link #checkInvariants()} reports. After {@link #close()} every method except {@code close} throws
 * {@link IllegalStateException}.
 */
public final class UnionFindDelete implements AutoCloseable {

    /** Bytes of off-heap memory per element: thirteen int arrays. */
    public static final int BYTES_PER_ELEMENT = 13 * Integer.BYTES;

    static final int NONE = -1;
    /** Trees with fewer nodes are re-hung as leaves on union: a big tree's root then has >= 3 children. */
    static final int SMALL_TREE = 4;
    /** Least number of children of a non-leaf node in a full tree. */
    static final int FULL_CHILDREN = 3;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    /** Fraction of physical memory the arrays may take, as for grids. */
    private static final double MEMORY_FRACTION = 0.8;

    private final int n;
    private final Arena arena;
    private final MemorySegment parent;
    private final MemorySegment rank;
    private final MemorySegment element;
    private final MemorySegment size;
    private final MemorySegment childHead;
    private final MemorySegment childCount;
    private final MemorySegment sibPrev;
    private final MemorySegment sibNext;
    private final MemorySegment dfsPrev;
    private final MemorySegment dfsNext;
    private final MemorySegment nlPrev;
    private final MemorySegment nlNext;
    private final MemorySegment nodeOf;
    private int freeHead = NONE;
    private int sets;
    private boolean closed;

    /** Parent pointers read by root lookups (find, union, delete), for complexity tests. */
    long findSteps;
    /** Root lookups done (find, union, delete), for complexity tests. */
    long findCalls;

    /**
     * Creates the forest with every element {@code e} in the singleton set with id {@code e}.
     *
     * @param n number of elements (and capacity in nodes)
     * @throws IllegalArgumentException if {@code n <= 0} or the arrays would take more than 80% of physical
     *                                  memory ({@link #bytesFor})
     */
    public UnionFindDelete(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("element count must be positive, got " + n);
        }
        long bytes = bytesFor(n);
        long limit = (long) (MemoryBudget.physicalBytes() * MEMORY_FRACTION);
        if (bytes > limit) {
            throw new IllegalArgumentException("a union-find-delete forest of " + n + " elements needs "
                + MemoryBudget.human(bytes) + " off-heap, more than the " + MemoryBudget.human(limit)
                + " this machine can give");
        }
        this.n = n;
        this.arena = OffHeap.shared();
        MemorySegment[] s = new MemorySegment[13];
        try {
            for (int i = 0; i < s.length; i++) {
                s[i] = arena.allocate((long) n * Integer.BYTES, 64);
            }
        } catch (RuntimeException | OutOfMemoryError ex) {
            arena.close();
            throw ex;
        }
        parent = s[0];
        rank = s[1];
        element = s[2];
        size = s[3];
        childHead = s[4];
        childCount = s[5];
        sibPrev = s[6];
        sibNext = s[7];
        dfsPrev = s[8];
        dfsNext = s[9];
        nlPrev = s[10];
        nlNext = s[11];
        nodeOf = s[12];
        for (int e = 0; e < n; e++) {
            initSingleton(e, e);
        }
        sets = n;
    }

    /** Off-heap bytes a forest of {@code n} elements takes. */
    public static long bytesFor(int n) {
        return (long) BYTES_PER_ELEMENT * Math.max(n, 0);
    }

    /** Number of elements n. */
    public int capacity() {
        ensureOpen();
        return n;
    }

    /** Number of sets (non-empty trees). */
    public int setCount() {
        ensureOpen();
        return sets;
    }

    /**
     * Makes {@code e}, which must be in no set, the only element of a new set.
     *
     * @return the new set's id
     */
    public int makeSet(int e) {
        // The only hot method whose first segment access can be out of bounds after close (empty free list).
        ensureOpen();
        int v = freeHead;
        freeHead = get(sibNext, v);
        initSingleton(v, e);
        sets++;
        return v;
    }

    /**
     * Set id of the set holding {@code e}, or -1 if {@code e} is in no set. Re-hangs each node on the path
     * on its grandparent.
     */
    public int find(int e) {
        int x = get(nodeOf, e);
        return x == NONE ? NONE : root(x);
    }

    /**
     * Unites the sets holding {@code a} and {@code b} (both must be in a set): two finds and
     * {@link #unionSets}.
     *
     * @return the id of the united set
     */
    public int union(int a, int b) {
        int ra = root(get(nodeOf, a));
        int rb = root(get(nodeOf, b));
        return unionSets(ra, rb);
    }

    /**
     * Unites two sets given by their ids, in O(1). The set with the larger rank keeps its id (with a small
     * set, the larger set keeps it); a set united with itself is returned unchanged.
     *
     * @return the id of the united set, which is {@code s} or {@code t}
     */
    public int unionSets(int s, int t) {
        int ss = get(size, s);
        if (s == t) {
            return s;
        }
        int st = get(size, t);
        sets--;
        if (ss < SMALL_TREE || st < SMALL_TREE) {
            if (ss < st) {
                absorbSmall(s, t);
                return t;
            }
            absorbSmall(t, s);
            return s;
        }
        int rs = get(rank, s);
        int rt = get(rank, t);
        if (rs < rt) {
            link(s, t);
            return t;
        }
        if (rs == rt) {
            set(rank, s, rs + 1);
        }
        link(t, s);
        return s;
    }

    /**
     * Removes {@code e} (which must be in a set) from its set; {@code e} is then in no set until
     * {@link #makeSet}. The set keeps its id unless it becomes empty. O(1) tree surgery (swap with a leaf,
     * remove the leaf node, local rebuild) after a root lookup that is free for the root and its children
     * and one path-splitting find otherwise.
     */
    public void delete(int e) {
        int x = get(nodeOf, e);
        int r = root(x);
        int sz = get(size, r);
        set(nodeOf, e, NONE);
        if (sz == 1) {
            release(x);
            sets--;
            return;
        }
        int leaf = findLeaf(x);
        if (leaf != x) {
            int f = get(element, leaf);
            set(element, x, f);
            set(nodeOf, f, x);
        }
        int p = get(parent, leaf);
        detachChild(p, leaf);
        dfsCut(leaf, leaf);
        release(leaf);
        set(size, r, sz - 1);
        if (p != r) {
            rebuildBelowRoot(p);
        } else if (get(childCount, r) == 0) {
            set(rank, r, 0);
        } else if (get(nlNext, r) != r) {
            rebuildAtRoot(r);
        }
    }

    /** Number of elements of the set with id {@code setId}, in O(1). */
    public int size(int setId) {
        return get(size, setId);
    }

    /**
     * Calls {@code action} with every element of the set with id {@code setId}, in O(size), in the tree's
     * preorder. {@code action} must not modify this structure.
     */
    public void members(int setId, IntConsumer action) {
        int v = setId;
        do {
            action.accept(get(element, v));
            v = get(dfsNext, v);
        } while (v != setId);
    }

    /**
     * One element of the set with id {@code setId} (the one at its root node), in O(1): how a bucket picks
     * a new representative when its old one leaves.
     */
    public int anyMember(int setId) {
        return get(element, setId);
    }

    /**
     * Allocation-free member iteration: the node after {@code node} in its set's preorder list, cyclic (the
     * set id, i.e. the root node, comes after the last). Start at the set id, read {@link #elementAt}, stop
     * when back at the set id. The structure must not be modified during the walk.
     */
    public int nextNode(int node) {
        return get(dfsNext, node);
    }

    /** Element held by node {@code node} (a live node, e.g. from a {@link #nextNode} walk). */
    public int elementAt(int node) {
        return get(element, node);
    }

    /**
     * Verifies every structural invariant in O(n): each element in exactly one set or in none, node and
     * element maps inverse, free list, parent pointers acyclic, set count and sizes, child lists, DFS lists
     * in preorder, non-leaf lists of roots, ranks (leaves 0, increasing towards the root, reduced roots
     * 1), every tree reduced or full, and the value invariant that bounds ranks by {@code log_{4/3}} of
     * the set size.
     *
     * @throws IllegalStateException naming the first violation found, or if closed
     */
    public void checkInvariants() {
        ensureOpen();
        new UfdChecker(n, freeHead, sets, parent.toArray(INT), rank.toArray(INT), element.toArray(INT),
            size.toArray(INT), childHead.toArray(INT), childCount.toArray(INT), sibPrev.toArray(INT),
            sibNext.toArray(INT), dfsPrev.toArray(INT), dfsNext.toArray(INT), nlPrev.toArray(INT),
            nlNext.toArray(INT), nodeOf.toArray(INT)).check();
    }

    /** Frees the off-heap arrays; idempotent. Every other method throws {@link IllegalStateException} after. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    // ---- package-private views for tests ----

    MemorySegment[] segments() {
        return new MemorySegment[] {parent, rank, element, size, childHead, childCount, sibPrev, sibNext,
            dfsPrev, dfsNext, nlPrev, nlNext, nodeOf};
    }

    int nodeOfElement(int e) {
        return get(nodeOf, e);
    }

    int elementOfNode(int v) {
        return get(element, v);
    }

    int parentOfNode(int v) {
        return get(parent, v);
    }

    int rankOfNode(int v) {
        return get(rank, v);
    }

    int childCountOfNode(int v) {
        return get(childCount, v);
    }

    // ---- internals ----

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("union-find-delete forest of " + n + " elements is closed");
        }
    }

    private static int get(MemorySegment s, int i) {
        return s.getAtIndex(INT, i);
    }

    private static void set(MemorySegment s, int i, int v) {
        s.setAtIndex(INT, i, v);
    }

    private void initSingleton(int v, int e) {
        set(parent, v, v);
        set(rank, v, 0);
        set(element, v, e);
        set(size, v, 1);
        set(childHead, v, NONE);
        set(childCount, v, 0);
        set(sibPrev, v, v);
        set(sibNext, v, v);
        set(dfsPrev, v, v);
        set(dfsNext, v, v);
        set(nlPrev, v, v);
        set(nlNext, v, v);
        set(nodeOf, e, v);
    }

    private void release(int v) {
        set(parent, v, NONE);
        set(element, v, NONE);
        set(sibNext, v, freeHead);
        freeHead = v;
    }

    /** Root of node x, with path splitting. */
    private int root(int x) {
        int p = get(parent, x);
        long steps = 1;
        int r = x;
        if (p != x) {
            while (true) {
                int g = get(parent, p);
                steps++;
                if (g == p) {
                    r = p;
                    break;
                }
                splitStep(x, p, g);
                x = p;
                p = g;
            }
        }
        findSteps += steps;
        findCalls++;
        return r;
    }

    /** Re-hangs x from its parent p on its grandparent g (only happens in full trees). */
    private void splitStep(int x, int p, int g) {
        int next = get(sibNext, x);
        boolean last = next == get(childHead, p);
        detachChild(p, x);
        if (last) {
            // x's subtree already ends p's subtree in preorder: right after p among g's children, no DFS change.
            insertChildAfter(g, p, x);
        } else {
            // x's subtree is the preorder run [x, node before its next sibling]; it moves to just after g.
            int end = get(dfsPrev, next);
            dfsCut(x, end);
            dfsInsertAfter(g, x, end);
            insertFirstChild(g, x);
        }
        adopted(g, x);
        if (get(childCount, p) < FULL_CHILDREN) {
            dissolve(p, g);
        }
    }

    /** A leaf of x's subtree, in O(1). */
    private int findLeaf(int x) {
        if (get(childCount, x) == 0) {
            return x;
        }
        int c = get(sibPrev, get(childHead, x));
        if (get(childCount, c) == 0) {
            return c;
        }
        // c has children, so the tree is full and c (last of >= 3) has a previous sibling, whose subtree
        // ends just before c in preorder with a leaf.
        return get(dfsPrev, c);
    }

    /** Local rebuild after p (not the root, so the tree is full) lost a leaf child. */
    private void rebuildBelowRoot(int p) {
        int g = get(parent, p);
        // p had >= 3 children; two of them moving up pays, in value, for the deleted leaf.
        moveLastChildUp(p, g);
        moveLastChildUp(p, g);
        if (get(childCount, p) < FULL_CHILDREN) {
            dissolve(p, g);
        }
    }

    /** Local rebuild after root r of a full, non-reduced tree lost a leaf child. */
    private void rebuildAtRoot(int r) {
        int c = get(nlNext, r);
        // Three grandchildren moving up to the root pay, in value, for the deleted child of the root.
        moveLastChildUp(c, r);
        moveLastChildUp(c, r);
        moveLastChildUp(c, r);
        if (get(childCount, c) < FULL_CHILDREN) {
            dissolve(c, r);
        }
    }

    /** Hands all of p's children to its parent g; p becomes a leaf. */
    private void dissolve(int p, int g) {
        while (get(childCount, p) > 0) {
            moveLastChildUp(p, g);
        }
        set(rank, p, 0);
        if (get(parent, g) == g) {
            nlRemove(p);
            if (get(nlNext, g) == g) {
                // The tree now has height 1: reduced trees have root rank 1.
                set(rank, g, 1);
            }
        }
    }

    /** Moves p's last child to just after p among the children of g = parent(p); preorder is unchanged. */
    private void moveLastChildUp(int p, int g) {
        int c = get(sibPrev, get(childHead, p));
        detachChild(p, c);
        insertChildAfter(g, p, c);
        adopted(g, c);
    }

    /** Bookkeeping after x became a child of g: a root keeps the list of its non-leaf children. */
    private void adopted(int g, int x) {
        if (get(childCount, x) > 0 && get(parent, g) == g) {
            nlInsert(g, x);
        }
    }

    /** Unites a tree of fewer than {@link #SMALL_TREE} nodes (reduced) into root r: its nodes become leaves of r. */
    private void absorbSmall(int s, int r) {
        int k = get(size, s);
        int v1 = get(dfsNext, s);
        int v2 = get(dfsNext, v1);
        hangLeaf(s, r);
        if (k > 1) {
            hangLeaf(v1, r);
        }
        if (k > 2) {
            hangLeaf(v2, r);
        }
        set(size, r, get(size, r) + k);
        if (get(rank, r) == 0) {
            set(rank, r, 1);
        }
    }

    private void hangLeaf(int v, int r) {
        set(rank, v, 0);
        set(childHead, v, NONE);
        set(childCount, v, 0);
        insertFirstChild(r, v);
        dfsInsertAfter(r, v, v);
    }

    /** Links root c (tree of >= {@link #SMALL_TREE} nodes) as first child of root r. */
    private void link(int c, int r) {
        int last = get(dfsPrev, c);
        insertFirstChild(r, c);
        dfsInsertAfter(r, c, last);
        // c stops being a root: its own non-leaf list is abandoned (never read again) as it joins r's.
        nlInsert(r, c);
        set(size, r, get(size, r) + get(size, c));
    }

    // ---- list primitives ----

    private void detachChild(int p, int c) {
        int count = get(childCount, p) - 1;
        set(childCount, p, count);
        if (count == 0) {
            set(childHead, p, NONE);
            return;
        }
        int prev = get(sibPrev, c);
        int next = get(sibNext, c);
        set(sibNext, prev, next);
        set(sibPrev, next, prev);
        if (get(childHead, p) == c) {
            set(childHead, p, next);
        }
    }

    /** Inserts c into g's child list right after g's child {@code after}. */
    private void insertChildAfter(int g, int after, int c) {
        int next = get(sibNext, after);
        set(sibNext, after, c);
        set(sibPrev, c, after);
        set(sibNext, c, next);
        set(sibPrev, next, c);
        set(parent, c, g);
        set(childCount, g, get(childCount, g) + 1);
    }

    private void insertFirstChild(int g, int c) {
        int head = get(childHead, g);
        if (head == NONE) {
            set(sibPrev, c, c);
            set(sibNext, c, c);
        } else {
            int tail = get(sibPrev, head);
            set(sibNext, tail, c);
            set(sibPrev, c, tail);
            set(sibNext, c, head);
            set(sibPrev, head, c);
        }
        set(childHead, g, c);
        set(parent, c, g);
        set(childCount, g, get(childCount, g) + 1);
    }

    /** Cuts the run first..last out of its DFS list. */
    private void dfsCut(int first, int last) {
        int before = get(dfsPrev, first);
        int after = get(dfsNext, last);
        set(dfsNext, before, after);
        set(dfsPrev, after, before);
    }

    /** Inserts the run first..last (internally linked) right after node at. */
    private void dfsInsertAfter(int at, int first, int last) {
        int after = get(dfsNext, at);
        set(dfsNext, at, first);
        set(dfsPrev, first, at);
        set(dfsNext, last, after);
        set(dfsPrev, after, last);
    }

    private void nlInsert(int root, int c) {
        int next = get(nlNext, root);
        set(nlNext, root, c);
        set(nlPrev, c, root);
        set(nlNext, c, next);
        set(nlPrev, next, c);
    }

    private void nlRemove(int c) {
        int prev = get(nlPrev, c);
        int next = get(nlNext, c);
        set(nlNext, prev, next);
        set(nlPrev, next, prev);
    }
}
