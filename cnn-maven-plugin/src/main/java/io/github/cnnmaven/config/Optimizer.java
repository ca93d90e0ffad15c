package io.github.cnnmaven.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ISchedule;

/** {@code cnn.optimizer}: each builds its DL4J updater. */
public enum Optimizer implements Choice {
    /** Plain SGD, or with {@code cnn.momentum} > 0 SGD with (Nesterov) momentum. */
    SGD {
        @Override
        public double defaultLearningRate() {
            return SGD_RATE;
        }

        @Override
        public IUpdater updater(ISchedule rate, ISchedule momentum, double momentumValue) {
            return momentumValue > 0 ? new Nesterovs(rate, momentum) : new Sgd(rate);
        }

        @Override
        public boolean usesMomentum(double momentumValue) {
            return momentumValue > 0;
        }
    },
    NESTEROV {
        @Override
        public double defaultLearningRate() {
            return SGD_RATE;
        }

        @Override
        public IUpdater updater(ISchedule rate, ISchedule momentum, double momentumValue) {
            return new Nesterovs(rate, momentum);
        }

        @Override
        public boolean usesMomentum(double momentumValue) {
            return true;
        }
    },
    ADAM,
    /** Adam with decoupled weight decay (Loshchilov and Hutter): the decay is not part of the gradient. */
    ADAMW {
        @Override
        public boolean decouplesWeightDecay() {
            return true;
        }

        /**
         * Decoupled decay is multiplied by the learning rate (as PyTorch's AdamW), so L2's 0.0005 would barely
         * decay: on the main job (Fashion-MNIST, 1cycle at 0.003) 0.0005 reached 0.9348 test accuracy and 0.05
         * 0.9382, 0.1 0.9353 and 0.2 0.9332 (docs/benchmarks.md, "The main job's recipe").
         */
        @Override
        public double defaultWeightDecay() {
            return 0.05;
        }
    },
    RMSPROP {
        @Override
        public IUpdater updater(ISchedule rate, ISchedule momentum, double momentumValue) {
            return new RmsProp(rate);
        }
    };

    /**
     * SGD's rate when {@code cnn.learningRate} is not set (it was Adam's 0.001 for every optimizer). On the
     * synthetic shapes (alexnet-cifar, 5 epochs, momentum 0.9, {@code scripts/benchmark-defaults.sh})
     * 0.01 reached 0.61 validation accuracy, 0.05 0.57 and 0.1 0.47.
     */
    private static final double SGD_RATE = 0.01;

    /** The learning rate when {@code cnn.learningRate} is not set. */
    public double defaultLearningRate() {
        return 0.001;
    }

    /** {@code cnn.weightDecay} when it is not set: an L2 strength, except where the decay is decoupled. */
    public double defaultWeightDecay() {
        return 0.0005;
    }

    @JsonCreator
    public static Optimizer fromJson(String value) {
        return Choice.fromJson(Optimizer.class, value);
    }

    /** The DL4J updater with this learning-rate schedule (and momentum schedule, where momentum applies). */
    public IUpdater updater(ISchedule rate, ISchedule momentum, double momentumValue) {
        return new Adam(rate);
    }

    /** Whether {@code cnn.weightDecay} is decoupled from the gradient (else it is an L2 penalty). */
    public boolean decouplesWeightDecay() {
        return false;
    }

    /** Whether {@code cnn.momentum} means anything to this optimizer. */
    public boolean usesMomentum(double momentumValue) {
        return false;
    }

    /** The id, so messages and logs show what users write. */
    @Override
    public String toString() {
        return id();
    }
}
