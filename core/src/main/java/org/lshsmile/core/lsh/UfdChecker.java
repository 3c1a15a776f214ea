package org.lshsmile.core.lsh;

import java.util.Arrays;

/**
 * Verifies a heap snapshot of a {@link UnionFindDelete}'s arrays; throws {@link IllegalStateException} naming
 * the first violation. Checks run in dependency order, so that later checks may index with values
 * earlier checks proved in range.
 */
final class UfdChecker {

    private static final int NONE = UnionFindDelete.NONE;
    private static final int UNSEEN = -2;
    private static final int ON_PATH = -3;

    private final int n;
    private final int freeHead;
    private final int sets;
    private final int[] parent;
    private final int[] rank;
    private final int[] element;
    private final int[] size;
    private final int[] childHead;
    private final int[] childCount;
    private final int[] sibPrev;
    private final int[] sibNext;
    private final int[] dfsPrev;
    private final int[] dfsNext;
    private final int[] nlPrev;
    private final int[] nlNext;
    private final int[] nodeOf;

    private final int[] rootOf;
    private final int[] depth;
    private final int[] stack;

    UfdChecker(int n, int freeHead, int sets, int[] parent, int[] rank, int[] element, int[] size,
               int[] childHead, int[] childCount, int[] sibPrev, int[] sibNext, int[] dfsPrev, int[] dfsNext,
               int[] nlPrev, int[] nlNext, int[] nodeOf) {
        this.n = n;
        this.freeHead = freeHead;
        this.sets = sets;
        this.parent = parent;
        this.rank = rank;
        this.element = element;
        this.size = size;
        this.childHead = childHead;
        this.childCount = childCount;
        this.sibPrev = sibPrev;
        this.sibNext = sibNext;
        this.dfsPrev = dfsPrev;
        this.dfsNext = dfsNext;
        this.nlPrev = nlPrev;
        this.nlNext = nlNext;
        this.nodeOf = nodeOf;
        this.rootOf = new int[n];
        this.depth = new int[n];
        this.stack = new int[n];
    }

    void check() {
        boolean[] free = freeList();
        int live = nodesAndElements(free);
        roots(free);
        int roots = 0;
        int[] count = new int[n];
        int[] height = new int[n];
        int[] children = new int[n];
        for (int v = 0; v < n; v++) {
            if (free[v]) {
                continue;
            }
            int r = rootOf[v];
            count[r]++;
            height[r] = Math.max(height[r], depth[v]);
            if (parent[v] == v) {
                roots++;
            } else {
                children[parent[v]]++;
            }
        }
        if (roots != sets) {
            fail("set count is " + sets + " but the forest has " + roots + " trees");
        }
        for (int v = 0; v < n; v++) {
            if (!free[v]) {
                childList(v, children[v]);
            }
        }
        for (int v = 0; v < n; v++) {
            if (free[v]) {
                continue;
            }
            rankAndShape(v, height[rootOf[v]]);
            if (parent[v] == v) {
                if (size[v] != count[v]) {
                    fail("set " + v + ": size field is " + size[v] + " but its tree has " + count[v] + " nodes");
                }
                if (height[v] <= 1 && rank[v] != (count[v] > 1 ? 1 : 0)) {
                    fail("reduced tree " + v + " of " + count[v] + " nodes has root rank " + rank[v]
                        + ", expected " + (count[v] > 1 ? 1 : 0));
                }
                dfsList(v, count[v]);
                nonLeafList(v);
            }
        }
        values(free);
        if (live + countFree(free) != n) {
            fail("node accounting: " + live + " live + " + countFree(free) + " free != " + n);
        }
    }

    private boolean[] freeList() {
        boolean[] free = new boolean[n];
        int steps = 0;
        for (int v = freeHead; v != NONE; v = sibNext[v]) {
            if (!inRange(v)) {
                fail("free list holds node " + v + ", outside [0, " + n + ")");
            }
            if (free[v] || ++steps > n) {
                fail("free list revisits node " + v);
            }
            if (parent[v] != NONE || element[v] != NONE) {
                fail("node " + v + " is on the free list but has parent " + parent[v] + " and element " + element[v]);
            }
            free[v] = true;
        }
        return free;
    }

    private int nodesAndElements(boolean[] free) {
        int live = 0;
        for (int v = 0; v < n; v++) {
            if (free[v]) {
                continue;
            }
            if (parent[v] == NONE) {
                fail("node " + v + " is marked free but is not on the free list");
            }
            if (!inRange(parent[v]) || free[parent[v]]) {
                fail("node " + v + " has parent " + parent[v] + ", not a live node");
            }
            int e = element[v];
            if (!inRange(e)) {
                fail("node " + v + " holds element " + e + ", outside [0, " + n + ")");
            }
            if (nodeOf[e] != v) {
                fail("node " + v + " holds element " + e + " but element " + e + " maps to node " + nodeOf[e]);
            }
            live++;
        }
        int inSets = 0;
        for (int e = 0; e < n; e++) {
            int v = nodeOf[e];
            if (v == NONE) {
                continue;
            }
            if (!inRange(v) || free[v]) {
                fail("element " + e + " maps to node " + v + ", not a live node");
            }
            if (element[v] != e) {
                fail("element " + e + " maps to node " + v + " which holds element " + element[v]);
            }
            inSets++;
        }
        if (inSets != live) {
            fail(inSets + " elements are in sets but " + live + " nodes are live");
        }
        return live;
    }

    /** Fills rootOf and depth; fails on a parent cycle. */
    private void roots(boolean[] free) {
        Arrays.fill(rootOf, UNSEEN);
        for (int v = 0; v < n; v++) {
            if (free[v] || rootOf[v] != UNSEEN) {
                continue;
            }
            int top = 0;
            int u = v;
            while (true) {
                if (rootOf[u] >= 0) {
                    break;
                }
                if (rootOf[u] == ON_PATH) {
                    fail("parent pointers form a cycle through node " + u);
                }
                if (parent[u] == u) {
                    rootOf[u] = u;
                    depth[u] = 0;
                    break;
                }
                rootOf[u] = ON_PATH;
                stack[top++] = u;
                u = parent[u];
            }
            while (top > 0) {
                int w = stack[--top];
                rootOf[w] = rootOf[parent[w]];
                depth[w] = depth[parent[w]] + 1;
            }
        }
    }

    private void childList(int v, int expected) {
        int k = childCount[v];
        if (k != expected) {
            fail("node " + v + " has child count " + k + " but " + expected + " nodes name it as parent");
        }
        if (k == 0) {
            if (childHead[v] != NONE) {
                fail("leaf node " + v + " has child list head " + childHead[v]);
            }
            return;
        }
        int head = childHead[v];
        int c = head;
        for (int i = 0; i < k; i++) {
            if (!inRange(c) || parent[c] != v) {
                fail("child list of node " + v + " holds node " + c + ", which is not a child of it");
            }
            int next = sibNext[c];
            if (!inRange(next) || sibPrev[next] != c) {
                fail("sibling links broken after node " + c + " (child of " + v + ")");
            }
            c = next;
            if (c == head && i < k - 1) {
                fail("child list of node " + v + " closes after " + (i + 1) + " of its " + k + " children");
            }
        }
        if (c != head) {
            fail("child list of node " + v + " does not close after its " + k + " children");
        }
    }

    private void rankAndShape(int v, int treeHeight) {
        if (rank[v] < 0) {
            fail("node " + v + " has negative rank " + rank[v]);
        }
        if (childCount[v] == 0 && rank[v] != 0) {
            fail("leaf node " + v + " has rank " + rank[v]);
        }
        int p = parent[v];
        if (p != v && rank[v] >= rank[p]) {
            fail("node " + v + " has rank " + rank[v] + ", not below the rank " + rank[p] + " of its parent " + p);
        }
        if (treeHeight >= 2 && childCount[v] > 0 && childCount[v] < UnionFindDelete.FULL_CHILDREN) {
            fail("tree " + rootOf[v] + " (height " + treeHeight + ") is neither reduced nor full: node " + v
                + " has " + childCount[v] + " children");
        }
    }

    /** The DFS list of root r must be the preorder of its tree along the child lists. */
    private void dfsList(int r, int nodes) {
        int top = 0;
        stack[top++] = r;
        int d = r;
        int visited = 0;
        while (top > 0) {
            int v = stack[--top];
            if (d != v) {
                fail("DFS list of tree " + r + ": position " + visited + " holds node " + d
                    + " where preorder has node " + v);
            }
            visited++;
            int next = dfsNext[d];
            if (!inRange(next) || dfsPrev[next] != d) {
                fail("DFS links broken after node " + d + " in tree " + r);
            }
            d = next;
            int k = childCount[v];
            if (k > 0) {
                int c = sibPrev[childHead[v]];
                for (int i = 0; i < k; i++) {
                    stack[top++] = c;
                    c = sibPrev[c];
                }
            }
        }
        if (d != r || visited != nodes) {
            fail("DFS list of tree " + r + " does not close after its " + nodes + " nodes");
        }
    }

    /** Root r's non-leaf list (r its own sentinel) must hold exactly r's non-leaf children. */
    private void nonLeafList(int r) {
        int nonLeaf = 0;
        int k = childCount[r];
        for (int i = 0, c = childHead[r]; i < k; i++, c = sibNext[c]) {
            if (childCount[c] > 0) {
                nonLeaf++;
            }
        }
        if (!inRange(nlNext[r]) || nlPrev[nlNext[r]] != r) {
            fail("non-leaf list links broken at root " + r);
        }
        int listed = 0;
        for (int m = nlNext[r]; m != r; m = nlNext[m]) {
            if (!inRange(m) || parent[m] != r || m == r) {
                fail("non-leaf list of root " + r + " holds node " + m + ", not a child of it");
            }
            if (childCount[m] == 0) {
                fail("non-leaf list of root " + r + " holds leaf " + m);
            }
            if (!inRange(nlNext[m]) || nlPrev[nlNext[m]] != m) {
                fail("non-leaf list links broken after node " + m + " (root " + r + ")");
            }
            if (++listed > nonLeaf) {
                fail("non-leaf list of root " + r + " is longer than its " + nonLeaf + " non-leaf children");
            }
        }
        if (listed != nonLeaf) {
            fail("non-leaf list of root " + r + " holds " + listed + " of its " + nonLeaf + " non-leaf children");
        }
    }

    /**
     * Value invariant (Alstrup et al.): sum over the tree of 1.5^rank(parent) (1.5^rank for the root) is at
     * least 2^rank(root). With at most size * 1.5^rank(root) on the left, it bounds the root rank, and the
     * height, by log_{4/3}(size).
     */
    private void values(boolean[] free) {
        double[] value = new double[n];
        for (int v = 0; v < n; v++) {
            if (!free[v]) {
                value[rootOf[v]] += Math.pow(1.5, rank[parent[v]]);
            }
        }
        for (int v = 0; v < n; v++) {
            if (!free[v] && parent[v] == v && value[v] < Math.pow(2, rank[v]) * (1 - 1e-12)) {
                fail("tree " + v + " of " + size[v] + " nodes has value " + value[v] + " below 2^rank = 2^"
                    + rank[v] + ": its rank is too high for its size");
            }
        }
    }

    private static int countFree(boolean[] free) {
        int k = 0;
        for (boolean f : free) {
            if (f) {
                k++;
            }
        }
        return k;
    }

    private boolean inRange(int v) {
        return v >= 0 && v < n;
    }

    private static void fail(String what) {
        throw new IllegalStateException("union-find-delete invariant violated: " + what);
    }
}
