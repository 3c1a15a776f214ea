package org.lshsmile.core.learn.optim;

/** Test problems with known minima, built deterministically. */
final class Problems {

    private Problems() {}

    /**
     * {@code f(x) = 0.5 (x - xStar)^T A (x - xStar)} with {@code A = H diag(lambda) H}, {@code H} the
     * Householder reflection along {@code v_i = i + 1} (so {@code A} is not diagonal and coordinate-wise
     * scaling does not undo the conditioning), eigenvalues {@code lambda} from 1 to {@code cond}.
     */
    static final class Quadratic implements Objective {
        final double[][] a;
        final double[] xStar;

        Quadratic(double[] lambda, double[] xStar) {
            int n = lambda.length;
            double[] v = new double[n];
            double vv = 0;
            for (int i = 0; i < n; i++) {
                v[i] = i + 1;
                vv += v[i] * v[i];
            }
            a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int k = 0; k < n; k++) {
                        double hik = (i == k ? 1 : 0) - 2 * v[i] * v[k] / vv;
                        double hkj = (k == j ? 1 : 0) - 2 * v[k] * v[j] / vv;
                        s += hik * lambda[k] * hkj;
                    }
                    a[i][j] = s;
                }
            }
            this.xStar = xStar.clone();
        }

        /** Eigenvalues {@code cond^(i / (n - 1))}: geometric from 1 to cond. */
        static double[] geometric(int n, double cond) {
            double[] lambda = new double[n];
            for (int i = 0; i < n; i++) {
                lambda[i] = Math.pow(cond, (double) i / (n - 1));
            }
            return lambda;
        }

        /** Eigenvalues {@code 1 + (cond - 1) i / (n - 1)}: evenly spaced from 1 to cond. */
        static double[] even(int n, double cond) {
            double[] lambda = new double[n];
            for (int i = 0; i < n; i++) {
                lambda[i] = 1 + (cond - 1) * i / (n - 1);
            }
            return lambda;
        }

        @Override
        public double evaluate(double[] x, double[] g) {
            double f = 0;
            for (int i = 0; i < x.length; i++) {
                double s = 0;
                for (int j = 0; j < x.length; j++) {
                    s += a[i][j] * (x[j] - xStar[j]);
                }
                g[i] = s;
                f += 0.5 * (x[i] - xStar[i]) * s;
            }
            return f;
        }
    }

    /** The 10-D quadratic used for every optimizer: geometric eigenvalues, condition number 100, minimum at 1 + i/2. */
    static Quadratic illConditioned10() {
        double[] xStar = new double[10];
        for (int i = 0; i < xStar.length; i++) {
            xStar[i] = 1 + 0.5 * i;
        }
        return new Quadratic(Quadratic.geometric(10, 100), xStar);
    }

    /** Rosenbrock's function {@code (1 - x)^2 + 100 (y - x^2)^2}, minimum 0 at (1, 1). */
    static double rosenbrock(double[] x, double[] g) {
        double a = 1 - x[0];
        double b = x[1] - x[0] * x[0];
        g[0] = -2 * a - 400 * x[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
    }

    static double distance(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (x[i] - y[i]) * (x[i] - y[i]);
        }
        return Math.sqrt(s);
    }

    /**
     * Runs {@code optimizer} from {@code x} (updated in place) until it is within {@code tol} of
     * {@code target} or {@code maxIterations} steps are done; returns the number of steps taken.
     */
    static int iterateUntilClose(Optimizer optimizer, Objective f, double[] x, double[] target, double tol,
                                 int maxIterations) {
        int k = 0;
        while (k < maxIterations && distance(x, target) > tol) {
            optimizer.step(x, f);
            k++;
        }
        return k;
    }
}
