package org.lshsmile.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The counting arenas of {@link OffHeap}: what is counted, when it is released, and who is named. */
class OffHeapTest {

    @Test
    void allocationsAreCountedUntilTheArenaCloses() {
        long arenas = OffHeap.liveArenas();
        long bytes = OffHeap.liveBytes();
        long created = OffHeap.arenasCreated();
        Arena a = OffHeap.shared();
        assertEquals(arenas + 1, OffHeap.liveArenas());
        assertEquals(created + 1, OffHeap.arenasCreated());
        MemorySegment s = a.allocate(1000, 64);
        a.allocate(ValueLayout.JAVA_DOUBLE, 3); // a SegmentAllocator default method goes through allocate too
        assertEquals(bytes + 1024, OffHeap.liveBytes());
        assertEquals(0, s.address() % 64, "alignment is the delegate's");
        s.set(ValueLayout.JAVA_BYTE, 999, (byte) 7);
        assertEquals(7, s.get(ValueLayout.JAVA_BYTE, 999));
        a.close();
        assertFalse(s.scope().isAlive(), "closing the wrapper frees the delegate's memory");
        assertEquals(arenas, OffHeap.liveArenas());
        assertEquals(bytes, OffHeap.liveBytes());
    }

    @Test
    void failedClosesAndAllocationsAfterCloseReleaseNothingTwice() throws Exception {
        long arenas = OffHeap.liveArenas();
        long bytes = OffHeap.liveBytes();
        Arena confined = OffHeap.confined();
        confined.allocate(64);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                confined.close();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        other.join();
        assertTrue(thrown.get() instanceof WrongThreadException, "close from another thread: " + thrown.get());
        assertEquals(arenas + 1, OffHeap.liveArenas(), "a close that failed frees nothing and counts nothing");
        assertEquals(bytes + 64, OffHeap.liveBytes());
        confined.close();
        assertThrows(IllegalStateException.class, confined::close);
        assertThrows(IllegalStateException.class, () -> confined.allocate(8));
        assertEquals(arenas, OffHeap.liveArenas(), "a second close is refused, not counted again");
        assertEquals(bytes, OffHeap.liveBytes());
    }

    @Test
    void concurrentAllocationsOnASharedArenaAreAllCounted() throws Exception {
        long bytes = OffHeap.liveBytes();
        try (Arena a = OffHeap.shared()) {
            Thread[] t = new Thread[4];
            for (int i = 0; i < t.length; i++) {
                t[i] = Thread.ofPlatform().start(() -> {
                    for (int k = 0; k < 500; k++) {
                        a.allocate(24, 8);
                    }
                });
            }
            for (Thread x : t) {
                x.join();
            }
            assertEquals(bytes + 4 * 500 * 24, OffHeap.liveBytes());
        }
        assertEquals(bytes, OffHeap.liveBytes());
    }

    @Test
    void trackingNamesTheCreatorOfAnArenaLeftOpen() {
        boolean was = OffHeap.tracking();
        OffHeap.setTracking(true);
        Arena leaked;
        try {
            leaked = OffHeap.shared();
            leaked.allocate(4096);
        } finally {
            OffHeap.setTracking(was);
        }
        try (Grid untracked = new Grid(1, 4, 4, 1.0, Boundary.PERIODIC)) {
            String report = OffHeap.describeLive();
            assertFalse(report.contains("\n"), "one line: " + report);
            assertTrue(report.contains("shared arena of 4096 bytes made at " + OffHeapTest.class.getName()
                + ".trackingNamesTheCreatorOfAnArenaLeftOpen(OffHeapTest.java:"), report);
            assertFalse(report.contains("Grid.<init>"), "the arena of " + untracked.shape()
                + ", made while tracking was off, is not listed: " + report);
        }
        leaked.close();
        assertFalse(OffHeap.describeLive().contains("OffHeapTest"), "closed arenas leave the list");
    }

    @Test
    void gridsCountWhatTheyHoldAndGiveItBack() {
        long arenas = OffHeap.liveArenas();
        long bytes = OffHeap.liveBytes();
        try (Grid g = new Grid(3, 20, 30, 1.0, Boundary.NOFLUX)) {
            assertEquals(arenas + 1, OffHeap.liveArenas());
            assertEquals(bytes + Grid.bytesFor(3, 20, 30), OffHeap.liveBytes(), "both buffers of " + g.shape());
        }
        assertEquals(arenas, OffHeap.liveArenas());
        assertEquals(bytes, OffHeap.liveBytes());
    }
}
