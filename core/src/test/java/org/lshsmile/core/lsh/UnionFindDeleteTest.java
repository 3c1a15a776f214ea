package org.lshsmile.core.lsh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lshsmile.core.grid.MemoryBudget;

class UnionFindDeleteTest {

    /** Naive partition: element -> label, label -> members; labels are never reused. */
    private static final class Reference {
        final int[] label;
        final Map<Integer, Set<Integer>> members = new HashMap<>();
        /** Live labels, for picking a set uniformly (unions of like-sized sets build deep trees). */
        final List<Integer> labels = new ArrayList<>();
        private final Map<Integer, Integer> labelPos = new HashMap<>();
        private int nextLabel;

        Reference(int n) {
            label = new int[n];
            for (int e = 0; e < n; e++) {
                makeSet(e);
            }
        }

        int makeSet(int e) {
            int l = nextLabel++;
            label[e] = l;
            members.put(l, new HashSet<>(List.of(e)));
            labelPos.put(l, labels.size());
            labels.add(l);
            return l;
        }

        private void dropLabel(int l) {
            members.remove(l);
            int i = labelPos.remove(l);
            int last = labels.remove(labels.size() - 1);
            if (last != l) {
                labels.set(i, last);
                labelPos.put(last, i);
            }
        }

        int randomMember(SplittableRandom rnd) {
            return members.get(labels.get(rnd.nextInt(labels.size()))).iterator().next();
        }

        void delete(int e) {
            Set<Integer> s = members.get(label[e]);
            s.remove(e);
            if (s.isEmpty()) {
                dropLabel(label[e]);
            }
            label[e] = -1;
        }

        /** Merges b's set into a's label; returns {surviving label, absorbed label or -1}. */
        int[] union(int a, int b) {
            int la = label[a];
            int lb = label[b];
            if (la == lb) {
                return new int[] {la, -1};
            }
            Set<Integer> sb = members.get(lb);
            dropLabel(lb);
            members.get(la).addAll(sb);
            for (int e : sb) {
                label[e] = la;
            }
            return new int[] {la, lb};
        }

        int sizeOf(int e) {
            return members.get(label[e]).size();
        }
    }

    /** Elements split into present (in a set) and absent, each pickable at random in O(1). */
    private static final class Population {
        final int[] order;
        final int[] pos;
        int present;

        Population(int n) {
            order = new int[n];
            pos = new int[n];
            for (int e = 0; e < n; e++) {
                order[e] = e;
                pos[e] = e;
            }
            present = n;
        }

        int randomPresent(SplittableRandom rnd) {
            return order[rnd.nextInt(present)];
        }

        int randomAbsent(SplittableRandom rnd) {
            return order[present + rnd.nextInt(order.length - present)];
        }

        void remove(int e) {
            swap(pos[e], present - 1);
            present--;
        }

        void add(int e) {
            swap(pos[e], present);
            present++;
        }

        private void swap(int i, int j) {
            int a = order[i];
            int b = order[j];
            order[i] = b;
            order[j] = a;
            pos[b] = i;
            pos[a] = j;
        }
    }

    private static final int UNION = 0;
    private static final int DELETE = 1;
    private static final int MAKE = 2;
    private static final int FIND = 3;
    private static final int SIZE = 4;
    private static final int MEMBERS = 5;
    /** Cumulative op weights (percent) of the three phases: union-heavy, balanced, delete-heavy. */
    private static final int[][] PHASES = {
        {50, 55, 70, 90, 95, 100},
        {25, 45, 65, 90, 95, 100},
        {10, 60, 70, 90, 95, 100},
    };

    private static int kind(int phase, int roll) {
        int[] w = PHASES[phase];
        int k = 0;
        while (roll >= w[k]) {
            k++;
        }
        return k;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 17, 1000})
    void matchesNaiveReferenceOverRandomOperations(int n) {
        // 10^6 operations at the largest n, as the issue asks; the small sets get 10^5 each
        int ops = n >= 1000 ? 1_000_000 : 100_000;
        SplittableRandom rnd = new SplittableRandom(0x5EED_0000L + n);
        Reference ref = new Reference(n);
        Population pop = new Population(n);
        Map<Integer, Integer> idOfLabel = new HashMap<>();
        int maxRank = 0;
        int internalDeletes = 0;
        int deepDeletes = 0;
        try (UnionFindDelete f = new UnionFindDelete(n)) {
            for (int e = 0; e < n; e++) {
                idOfLabel.put(ref.label[e], e);
            }
            for (int op = 0; op < ops; op++) {
                int kind = kind((op / 2000) % PHASES.length, rnd.nextInt(100));
                if (pop.present == 0 && kind != MAKE) {
                    kind = kind == FIND ? FIND : MAKE;
                }
                if (kind == MAKE && pop.present == n) {
                    kind = FIND;
                }
                switch (kind) {
                    case UNION -> {
                        boolean bySet = rnd.nextBoolean();
                        int a = bySet ? ref.randomMember(rnd) : pop.randomPresent(rnd);
                        int b = bySet ? ref.randomMember(rnd) : pop.randomPresent(rnd);
                        int idA = idOfLabel.get(ref.label[a]);
                        int idB = idOfLabel.get(ref.label[b]);
                        // Mostly by set id, without finds, so that path splitting does not flatten every tree.
                        int id = rnd.nextInt(3) == 0 ? f.union(a, b) : f.unionSets(idA, idB);
                        assertTrue(id == idA || id == idB, "union keeps one of the two ids");
                        if (idA == idB) {
                            assertEquals(idA, id, "a set united with itself is unchanged");
                        }
                        int[] labels = ref.union(a, b);
                        idOfLabel.remove(labels[1]);
                        idOfLabel.put(labels[0], id);
                        assertEquals(ref.sizeOf(a), f.size(id));
                        maxRank = Math.max(maxRank, f.rankOfNode(id));
                    }
                    case DELETE -> {
                        int e = pop.randomPresent(rnd);
                        // Half the time look a little for an element at an internal node: rarer, but the hard case.
                        for (int tries = rnd.nextBoolean() ? 20 : 0; tries > 0 && !internal(f, e); tries--) {
                            e = pop.randomPresent(rnd);
                        }
                        int node = f.nodeOfElement(e);
                        internalDeletes += internal(f, e) ? 1 : 0;
                        deepDeletes += depth(f, node) >= 2 ? 1 : 0;
                        int label = ref.label[e];
                        int idBefore = idOfLabel.get(label);
                        f.delete(e);
                        ref.delete(e);
                        pop.remove(e);
                        assertEquals(-1, f.find(e), "deleted element is in no set");
                        Set<Integer> rest = ref.members.get(label);
                        if (rest == null) {
                            idOfLabel.remove(label);
                        } else {
                            int other = rest.iterator().next();
                            assertEquals(idBefore, f.find(other), "delete keeps the set id");
                            assertEquals(rest.size(), f.size(idBefore));
                        }
                    }
                    case MAKE -> {
                        int e = pop.randomAbsent(rnd);
                        int id = f.makeSet(e);
                        idOfLabel.put(ref.makeSet(e), id);
                        pop.add(e);
                        assertEquals(id, f.find(e));
                        assertEquals(1, f.size(id));
                    }
                    case FIND -> {
                        int e = rnd.nextInt(n);
                        int expect = ref.label[e] < 0 ? -1 : idOfLabel.get(ref.label[e]);
                        assertEquals(expect, f.find(e), "find is stable between unions");
                    }
                    case SIZE -> {
                        int e = pop.randomPresent(rnd);
                        assertEquals(ref.sizeOf(e), f.size(f.find(e)));
                    }
                    case MEMBERS -> {
                        int e = pop.randomPresent(rnd);
                        Set<Integer> seen = new HashSet<>();
                        f.members(f.find(e), x -> assertTrue(seen.add(x), "members visits once"));
                        assertEquals(ref.members.get(ref.label[e]), seen);
                    }
                    default -> throw new AssertionError(kind);
                }
                if (op % 250 == 249) {
                    f.checkInvariants();
                    assertSameSets(f, ref, idOfLabel);
                }
                if (op % 5000 == 4999) {
                    assertSamePartition(f, ref, idOfLabel);
                }
            }
            f.checkInvariants();
            assertSamePartition(f, ref, idOfLabel);
        }
        System.out.printf("UnionFindDelete differential n=%d: max rank %d, %d internal and %d depth>=2 deletes%n",
            n, maxRank, internalDeletes, deepDeletes);
        if (n == 1000) {
            assertTrue(maxRank >= 3, "full trees of height > 1 were exercised, max rank " + maxRank);
            assertTrue(internalDeletes > 200, "internal (non-leaf, non-root) nodes deleted: " + internalDeletes);
            assertTrue(deepDeletes > 500, "deletes at depth >= 2: " + deepDeletes);
        }
    }

    private static boolean internal(UnionFindDelete f, int e) {
        int v = f.nodeOfElement(e);
        return f.childCountOfNode(v) > 0 && f.parentOfNode(v) != v;
    }

    private static int depth(UnionFindDelete f, int node) {
        int d = 0;
        for (int v = node; f.parentOfNode(v) != v; v = f.parentOfNode(v)) {
            d++;
        }
        return d;
    }

    /** Partition equality through members (no finds, so trees keep their shape). */
    private static void assertSameSets(UnionFindDelete f, Reference ref, Map<Integer, Integer> idOfLabel) {
        assertEquals(ref.members.size(), f.setCount());
        assertEquals(ref.members.keySet(), idOfLabel.keySet());
        for (Map.Entry<Integer, Set<Integer>> s : ref.members.entrySet()) {
            int id = idOfLabel.get(s.getKey());
            Set<Integer> seen = new HashSet<>();
            f.members(id, seen::add);
            assertEquals(s.getValue(), seen, "members of set " + id);
            assertEquals(s.getValue().size(), f.size(id));
        }
    }

    /** Partition equality through find (set ids of every element). */
    private static void assertSamePartition(UnionFindDelete f, Reference ref, Map<Integer, Integer> idOfLabel) {
        int n = ref.label.length;
        Map<Integer, Set<Integer>> byId = new HashMap<>();
        for (int e = 0; e < n; e++) {
            int id = f.find(e);
            if (ref.label[e] < 0) {
                assertEquals(-1, id, "element " + e + " is in no set");
                continue;
            }
            assertEquals(idOfLabel.get(ref.label[e]), id, "set id of element " + e);
            byId.computeIfAbsent(id, k -> new HashSet<>()).add(e);
        }
        assertEquals(new HashSet<>(ref.members.values()), new HashSet<>(byId.values()));
        assertEquals(ref.members.size(), f.setCount());
        for (Map.Entry<Integer, Set<Integer>> s : byId.entrySet()) {
            assertEquals(s.getValue().size(), f.size(s.getKey()));
        }
    }

    /** Two reduced trees of 5 united: rank 2, height 2, the absorbed root is an internal node. */
    private static int heightTwoTree(UnionFindDelete f) {
        for (int e = 1; e < 5; e++) {
            f.union(0, e);
            f.union(5, 5 + e);
        }
        int id = f.unionSets(f.find(0), f.find(5));
        assertEquals(2, f.rankOfNode(id));
        f.checkInvariants();
        return id;
    }

    @Test
    void deleteRootKeepsTheSetId() {
        try (UnionFindDelete f = new UnionFindDelete(12)) {
            int id = heightTwoTree(f);
            int rootElement = f.elementOfNode(id);
            f.delete(rootElement);
            f.checkInvariants();
            assertEquals(-1, f.find(rootElement));
            assertEquals(9, f.size(id));
            for (int e = 0; e < 10; e++) {
                assertEquals(e == rootElement ? -1 : id, f.find(e));
            }
            assertNotEquals(rootElement, f.elementOfNode(id), "a leaf's element moved into the root node");
        }
    }

    @Test
    void deleteInternalAndLeafElements() {
        try (UnionFindDelete f = new UnionFindDelete(12)) {
            int id = heightTwoTree(f);
            int internal = -1;
            int leaf = -1;
            for (int e = 0; e < 10; e++) {
                int v = f.nodeOfElement(e);
                if (v != id && f.childCountOfNode(v) > 0) {
                    internal = e;
                } else if (f.childCountOfNode(v) == 0 && leaf < 0) {
                    leaf = e;
                }
            }
            assertTrue(internal >= 0 && leaf >= 0, "tree has an internal node and a leaf");
            int internalNode = f.nodeOfElement(internal);
            f.delete(internal);
            f.checkInvariants();
            assertEquals(-1, f.find(internal));
            assertNotEquals(-1, f.parentOfNode(internalNode), "the internal node stays; a leaf node went");
            assertEquals(9, f.size(id));
            if (leaf != internal && f.find(leaf) >= 0) {
                f.delete(leaf);
                f.checkInvariants();
                assertEquals(-1, f.find(leaf));
                assertEquals(8, f.size(id));
            }
            int count = 0;
            for (int e = 0; e < 10; e++) {
                count += f.find(e) == id ? 1 : 0;
            }
            assertEquals(f.size(id), count);
        }
    }

    @Test
    void deleteTheOnlyElementEmptiesTheSet() {
        try (UnionFindDelete f = new UnionFindDelete(1)) {
            assertEquals(0, f.find(0));
            f.delete(0);
            assertEquals(-1, f.find(0));
            assertEquals(0, f.setCount());
            f.checkInvariants();
            int id = f.makeSet(0);
            assertEquals(id, f.find(0));
            assertEquals(1, f.size(id));
            assertEquals(1, f.setCount());
            f.checkInvariants();
        }
    }

    @Test
    void unionWithItselfIsUnchanged() {
        try (UnionFindDelete f = new UnionFindDelete(6)) {
            int id = f.union(0, 1);
            f.union(0, 2);
            int before = f.setCount();
            assertEquals(id, f.union(1, 2));
            assertEquals(id, f.union(2, 2));
            assertEquals(id, f.unionSets(id, id));
            assertEquals(3, f.size(id));
            assertEquals(before, f.setCount());
            assertEquals(5, f.unionSets(5, 5));
            f.checkInvariants();
        }
    }

    /** Balanced unions of roots only (no path splitting in between) build the deepest trees rank allows. */
    @Test
    void longChainsStayLogarithmicAndSurviveDeletes() {
        int groups = 1 << 9;
        int n = 4 * groups;
        try (UnionFindDelete f = new UnionFindDelete(n)) {
            List<Integer> roots = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                int s = f.find(4 * g);
                for (int k = 1; k < 4; k++) {
                    s = f.unionSets(s, f.find(4 * g + k));
                }
                roots.add(s);
            }
            while (roots.size() > 1) {
                List<Integer> next = new ArrayList<>();
                for (int i = 0; i < roots.size(); i += 2) {
                    next.add(f.unionSets(roots.get(i), roots.get(i + 1)));
                }
                roots = next;
            }
            int id = roots.get(0);
            f.checkInvariants();
            assertEquals(10, f.rankOfNode(id));
            int deepest = 0;
            int maxDepth = 0;
            for (int e = 0; e < n; e++) {
                int d = depth(f, f.nodeOfElement(e));
                if (d > maxDepth) {
                    maxDepth = d;
                    deepest = e;
                }
            }
            assertEquals(10, maxDepth, "height equals rank after balanced links");
            assertTrue(maxDepth <= Math.log(n) / Math.log(4.0 / 3), "height <= log_{4/3} size");
            f.findSteps = 0;
            f.findCalls = 0;
            assertEquals(id, f.find(deepest));
            assertEquals(maxDepth + 1, f.findSteps, "one parent read per level plus the root's self-loop");
            f.checkInvariants();
            assertTrue(depth(f, f.nodeOfElement(deepest)) <= maxDepth / 2 + 1, "path splitting halves the path");

            SplittableRandom rnd = new SplittableRandom(42);
            int[] order = rnd.ints(0, n).distinct().limit(n).toArray();
            for (int i = 0; i < order.length; i++) {
                f.delete(order[i]);
                if (i % 64 == 0 || n - i < 16) {
                    f.checkInvariants();
                }
                if (i < n - 1) {
                    int any = order[n - 1];
                    assertEquals(n - 1 - i, f.size(f.find(any)));
                }
            }
            assertEquals(0, f.setCount());
            f.checkInvariants();
        }
    }

    /**
     * Deep trees from balanced links, then finds and deletes aimed at internal nodes: reaches every branch
     * of delete's leaf search and local rebuild (internal node whose last child is internal, rebuild at the
     * root and below it, a tree falling back to reduced).
     */
    @Test
    void deepTreesSurviveFindsAndInternalDeletes() {
        int groups = 1 << 6;
        int n = 4 * groups;
        for (int seed = 0; seed < 20; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            try (UnionFindDelete f = new UnionFindDelete(n)) {
                List<Integer> roots = new ArrayList<>();
                for (int g = 0; g < groups; g++) {
                    int s = f.find(4 * g);
                    for (int k = 1; k < 4; k++) {
                        s = f.unionSets(s, f.find(4 * g + k));
                    }
                    roots.add(s);
                }
                while (roots.size() > 1) {
                    List<Integer> next = new ArrayList<>();
                    for (int i = 0; i < roots.size(); i += 2) {
                        next.add(f.unionSets(roots.get(i), roots.get(i + 1)));
                    }
                    roots = next;
                }
                int id = roots.get(0);
                Set<Integer> left = new HashSet<>();
                for (int e = 0; e < n; e++) {
                    left.add(e);
                }
                while (left.size() > 1) {
                    int e = rnd.nextInt(n);
                    if (!left.contains(e)) {
                        continue;
                    }
                    if (rnd.nextInt(3) == 0) {
                        assertEquals(id, f.find(e));
                        continue;
                    }
                    for (int t = 0; t < 30; t++) {
                        int c = rnd.nextInt(n);
                        if (left.contains(c) && f.childCountOfNode(f.nodeOfElement(c)) > 0) {
                            e = c;
                            break;
                        }
                    }
                    f.delete(e);
                    left.remove(e);
                    f.checkInvariants();
                    assertEquals(left.size(), f.size(id), "the set keeps its id while not empty");
                    Set<Integer> seen = new HashSet<>();
                    f.members(id, seen::add);
                    assertEquals(left, seen);
                }
            }
        }
    }

    @Test
    void closeKillsTheSegmentsAndEveryMethodThrows() {
        UnionFindDelete f = new UnionFindDelete(8);
        f.union(0, 1);
        f.delete(2);
        MemorySegment[] segments = f.segments();
        assertEquals(13, segments.length);
        for (MemorySegment s : segments) {
            assertTrue(s.scope().isAlive());
        }
        f.close();
        for (MemorySegment s : segments) {
            assertFalse(s.scope().isAlive());
        }
        assertThrows(IllegalStateException.class, () -> f.find(0));
        assertThrows(IllegalStateException.class, () -> f.union(0, 1));
        assertThrows(IllegalStateException.class, () -> f.unionSets(0, 0));
        assertThrows(IllegalStateException.class, () -> f.unionSets(0, 3));
        assertThrows(IllegalStateException.class, () -> f.delete(0));
        assertThrows(IllegalStateException.class, () -> f.makeSet(2));
        assertThrows(IllegalStateException.class, () -> f.size(0));
        assertThrows(IllegalStateException.class, () -> f.members(0, e -> { }));
        assertThrows(IllegalStateException.class, f::setCount);
        assertThrows(IllegalStateException.class, f::capacity);
        assertThrows(IllegalStateException.class, f::checkInvariants);
        f.close();
    }

    @Test
    void refusesBadCapacities() {
        assertThrows(IllegalArgumentException.class, () -> new UnionFindDelete(0));
        assertThrows(IllegalArgumentException.class, () -> new UnionFindDelete(-7));
        long huge = UnionFindDelete.bytesFor(Integer.MAX_VALUE);
        assumeTrue(huge > MemoryBudget.physicalBytes() * 0.8, "machine has over 130 GiB of memory");
        assertThrows(IllegalArgumentException.class, () -> new UnionFindDelete(Integer.MAX_VALUE));
    }

    @Test
    void checkInvariantsNamesACorruption() {
        try (UnionFindDelete f = new UnionFindDelete(4)) {
            f.union(0, 1);
            f.delete(3);
            f.checkInvariants();
            f.makeSet(1);
            IllegalStateException ex = assertThrows(IllegalStateException.class, f::checkInvariants);
            assertTrue(ex.getMessage().contains("element 1"), ex.getMessage());
        }
    }

    /** Counts parent reads, not time: 10^6 mixed operations on 10^5 elements. */
    @Test
    void findStepsStaySmallOnAverage() {
        int n = 100_000;
        int ops = 1_000_000;
        SplittableRandom rnd = new SplittableRandom(7);
        Population pop = new Population(n);
        try (UnionFindDelete f = new UnionFindDelete(n)) {
            f.findSteps = 0;
            f.findCalls = 0;
            for (int op = 0; op < ops; op++) {
                int roll = rnd.nextInt(100);
                if (roll < 30) {
                    if (pop.present > 1) {
                        f.union(pop.randomPresent(rnd), pop.randomPresent(rnd));
                    }
                } else if (roll < 70) {
                    f.find(rnd.nextInt(n));
                } else if (roll < 85) {
                    if (pop.present > 0) {
                        int e = pop.randomPresent(rnd);
                        f.delete(e);
                        pop.remove(e);
                    }
                } else if (pop.present < n) {
                    int e = pop.randomAbsent(rnd);
                    f.makeSet(e);
                    pop.add(e);
                }
            }
            f.checkInvariants();
            double average = (double) f.findSteps / f.findCalls;
            System.out.printf("UnionFindDelete: %d root lookups, %.3f parent reads each on average%n",
                f.findCalls, average);
            assertTrue(average < 4, "average parent reads per find " + average);
        }
    }
}
