package org.lshsmile.core.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.lshsmile.core.dist.ThreadCommunicator;
import org.lshsmile.core.learn.optim.EarlyStop;
import org.lshsmile.core.learn.optim.Optimizers;

/**
 * Data-parallel training (threads standing in for MPI ranks): each rank computes its share of every batch
 * and an allreduce adds the shares, so every rank takes the same steps and ends with the parameters of
 * training alone, to rounding; with more ranks than pairs in a batch, some ranks compute nothing.
 */
class DataParallelTrainerTest {

    private static Trainer.Result alone(List<RolloutGradient.Pair> pairs, String optimizer, int batch) {
        try (RolloutGradient g = TrainerTest.rg(10)) {
            return new Trainer(g).train(TrainerTest.start(), pairs, settings(optimizer, batch), null);
        }
    }

    private static Trainer.Settings settings(String optimizer, int batch) {
        return new Trainer.Settings(Optimizers.create(optimizer), 8, batch, true, null, new EarlyStop(0, 1000, 0, 0), 3);
    }

    private static List<Trainer.Result> ranks(int n, List<RolloutGradient.Pair> pairs, String optimizer, int batch)
            throws Exception {
        ThreadCommunicator.World w = new ThreadCommunicator.World(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Trainer.Result>> fs = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                ThreadCommunicator comm = w.rank(r);
                fs.add(pool.submit(() -> {
                    try (RolloutGradient g = TrainerTest.rg(10)) {
                        return new Trainer(g, comm).train(TrainerTest.start(), pairs, settings(optimizer, batch), null);
                    }
                }));
            }
            List<Trainer.Result> out = new ArrayList<>();
            for (Future<Trainer.Result> f : fs) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertClose(Trainer.Result want, Trainer.Result got, String what) {
        double[] a = want.parameters();
        double[] b = got.parameters();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-9 * Math.abs(a[i]), what + ": parameter " + i);
        }
        assertEquals(want.epochs().size(), got.epochs().size(), what + ": epochs");
        for (int e = 0; e < want.epochs().size(); e++) {
            double l = want.epochs().get(e).loss();
            assertEquals(l, got.epochs().get(e).loss(), 1e-9 * Math.abs(l) + 1e-300, what + ": loss of epoch " + e);
        }
        assertEquals(want.finalLoss(), got.finalLoss(), 1e-9 * Math.abs(want.finalLoss()) + 1e-300, what + ": final loss");
    }

    @Test
    void lbfgsFullBatchOnThreeRanksLearnsWhatOneProcessLearns() throws Exception {
        List<RolloutGradient.Pair> pairs = TrainerTest.pairs(10);
        Trainer.Result one = alone(pairs, "lbfgs", 0);
        List<Trainer.Result> many = ranks(3, pairs, "lbfgs", 0);
        for (int r = 0; r < many.size(); r++) {
            assertClose(one, many.get(r), "rank " + r);
        }
        // every rank holds the same parameters: they took the same steps
        assertEquals(java.util.Arrays.toString(many.get(0).parameters()), java.util.Arrays.toString(many.get(2).parameters()));
    }

    @Test
    void adamMiniBatchesOfOneOnTwoRanksLeaveARankIdleAndStillAgree() throws Exception {
        List<RolloutGradient.Pair> pairs = TrainerTest.pairs(10);
        Trainer.Result one = alone(pairs, "adam", 1);
        List<Trainer.Result> many = ranks(2, pairs, "adam", 1);
        for (int r = 0; r < many.size(); r++) {
            assertClose(one, many.get(r), "rank " + r);
        }
    }
}
