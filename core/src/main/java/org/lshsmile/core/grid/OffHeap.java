package org.lshsmile.core.grid;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one factory of the arenas core allocates off-heap memory from, counting live arenas and live bytes.
 *
 * <p>Every arena a grid, engine, LSH table, union-find-delete forest or gradient rollout creates comes from
 * {@link #shared()} or {@link #confined()}: an {@link Arena} that delegates to {@link Arena#ofShared()} or
 * {@link Arena#ofConfined()}, adds the bytes each {@code allocate} asks for to {@link #liveBytes()}, and
 * subtracts them, and itself from {@link #liveArenas()}, when its {@code close()} succeeds. A program that
 * closes what it opens therefore sees both figures come back to where they were; tests use that to prove
 * that nothing leaks, and a user can do the same around their own runs:
 *
 * <pre>{@code
 * long arenas = OffHeap.liveArenas(), bytes = OffHeap.liveBytes();
 * try (Grid g = new Grid(4, 64, 64, 1.0, Boundary.PERIODIC); Engine e = ...) { e.step(100); }
 * assert OffHeap.liveArenas() == arenas && OffHeap.liveBytes() == bytes : OffHeap.describeLive();
 * }</pre>
 *
 * <p>Counting costs an uncontended lock and two adds per {@code allocate} and {@code close}; arenas are
 * made when an engine or grid is built, or a table grows, never per step, and segment accesses do not go
 * through the wrapper at all. The figures are exact when no arena is being created, allocated from or
 * closed concurrently with the read.
 *
 * <p>Debug mode: with {@code -D}{@value #TRACK_PROPERTY}{@code =true} (or {@link #setTracking(boolean)})
 * each arena made from then on records the stack that created it, and {@link #describeLive()} names the
 * creators of those still open, so a failing leak check points at the owner that did not close.
 * Recording a stack costs a few microseconds per arena; off by default.
 *
 * <p>Counted bytes are those requested; the allocator's alignment padding and the memory of
 * {@code ByteBuffer.allocateDirect} (checkpoint I/O buffers, freed by the garbage collector) are not.
 */
public final class OffHeap {

    /** System property that turns on stack recording at start-up: {@value}. */
    public static final String TRACK_PROPERTY = "lshsmile.offheap.track";

    /** Frames of a creating stack {@link #describeLive()} shows, OffHeap's own left out. */
    private static final int SHOWN_FRAMES = 6;

    private static final LongAdder LIVE_ARENAS = new LongAdder();
    private static final LongAdder LIVE_BYTES = new LongAdder();
    private static final LongAdder CREATED = new LongAdder();
    /** Open arenas made while tracking was on. */
    private static final Set<Counted> TRACKED = ConcurrentHashMap.newKeySet();
    private static volatile boolean tracking = Boolean.getBoolean(TRACK_PROPERTY);

    private OffHeap() {
    }

    /** A counted {@link Arena#ofShared()}: any thread may access its segments; the owner closes it once. */
    public static Arena shared() {
        return new Counted(Arena.ofShared(), true);
    }

    /** A counted {@link Arena#ofConfined()}: only the creating thread may access its segments or close it. */
    public static Arena confined() {
        return new Counted(Arena.ofConfined(), false);
    }

    /** Arenas made by this factory and not yet closed. */
    public static long liveArenas() {
        return LIVE_ARENAS.sum();
    }

    /** Bytes allocated from arenas of this factory that are not yet closed (as requested, padding excluded). */
    public static long liveBytes() {
        return LIVE_BYTES.sum();
    }

    /** Arenas this factory has made since the JVM started, closed or not. */
    public static long arenasCreated() {
        return CREATED.sum();
    }

    /** Whether arenas made now record their creating stack (see {@link #TRACK_PROPERTY}). */
    public static boolean tracking() {
        return tracking;
    }

    /**
     * Turns stack recording on or off for arenas made from now on; arenas already recorded stay listed by
     * {@link #describeLive()} until they close.
     */
    public static void setTracking(boolean on) {
        tracking = on;
    }

    /**
     * One line: the live arena and byte counts and, for each open arena made while tracking was on, its
     * kind, bytes and the top frames of the stack that created it (callers first, OffHeap left out).
     */
    public static String describeLive() {
        StringBuilder sb = new StringBuilder();
        sb.append(liveArenas()).append(" live arenas, ").append(liveBytes()).append(" live bytes");
        List<Counted> open = new ArrayList<>(TRACKED);
        if (open.isEmpty()) {
            sb.append(tracking ? "; none of them made while tracking" : "; set -D" + TRACK_PROPERTY
                + "=true to name their creators");
            return sb.toString();
        }
        for (Counted c : open) {
            sb.append("; ").append(c).append(" made at ").append(frames(c.origin));
        }
        return sb.toString();
    }

    private static String frames(Throwable origin) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (StackTraceElement f : origin.getStackTrace()) {
            String c = f.getClassName();
            if (c.equals(OffHeap.class.getName()) || c.startsWith(OffHeap.class.getName() + "$")) {
                continue;
            }
            if (shown > 0) {
                sb.append(" < ");
            }
            sb.append(f);
            if (++shown == SHOWN_FRAMES) {
                break;
            }
        }
        return sb.toString();
    }

    /** The counting wrapper; segments are the delegate's, so accesses cost what they always did. */
    private static final class Counted implements Arena {

        private final Arena delegate;
        private final boolean shared;
        private final Throwable origin;
        private long bytes;
        private boolean closed;

        Counted(Arena delegate, boolean shared) {
            this.delegate = delegate;
            this.shared = shared;
            this.origin = tracking ? new Throwable("arena created here") : null;
            CREATED.increment();
            LIVE_ARENAS.increment();
            if (origin != null) {
                TRACKED.add(this);
            }
        }

        @Override
        public MemorySegment.Scope scope() {
            return delegate.scope();
        }

        // synchronized so that an allocate racing a close on a shared arena is counted once or not at all
        @Override
        public synchronized MemorySegment allocate(long byteSize, long byteAlignment) {
            MemorySegment s = delegate.allocate(byteSize, byteAlignment);
            bytes += byteSize;
            LIVE_BYTES.add(byteSize);
            return s;
        }

        @Override
        public synchronized void close() {
            delegate.close(); // throws (and nothing is released) when closed twice, in use, or from a wrong thread
            closed = true;
            LIVE_ARENAS.decrement();
            LIVE_BYTES.add(-bytes);
            bytes = 0;
            if (origin != null) {
                TRACKED.remove(this);
            }
        }

        @Override
        public synchronized String toString() {
            return (shared ? "shared" : "confined") + " arena of " + bytes + " bytes" + (closed ? " (closed)" : "");
        }
    }
}
