package io.github.cnnmaven.training;

import io.github.cnnmaven.dataset.ImageSet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

/**
 * Mini-batches of normalised (and, for training, augmented) NCHW float images with one-hot labels,
 * over a fixed order of image indices. Buffers are reused from batch to batch. Wrap it in DL4J's
 * {@code AsyncDataSetIterator} to prepare batches on another thread while the network trains.
 */
public final class ImageBatches implements DataSetIterator {

    private static final long serialVersionUID = 1L;

    private final ImageSet images;
    private final int[] order;
    private final int batchSize;
    private final float[][] tables;
    /** A black pixel after normalisation, per channel: what crops pad with. */
    private final float[] black;
    private final Augmentation augmentation;
    private final Random random;
    private final float labelSmoothing;
    private final Framing framing;
    private float[] features = new float[0];
    private float[] labels = new float[0];
    private int cursor;
    private DataSetPreProcessor preProcessor;

    /**
     * @param order        the images to visit, in order (already shuffled for training)
     * @param augmentation {@code null} for validation and test data
     * @param seed         seeds the augmentation, so an epoch is reproducible
     */
    public ImageBatches(ImageSet images, int[] order, int batchSize, ChannelNormalizer normalizer,
                        Augmentation augmentation, long seed, double labelSmoothing) {
        this(images, order, batchSize, normalizer, augmentation, seed, labelSmoothing, Framing.whole(images.height()));
    }

    /** The same, with the input taken out of each stored image as {@code framing} says. */
    public ImageBatches(ImageSet images, int[] order, int batchSize, ChannelNormalizer normalizer,
                        Augmentation augmentation, long seed, double labelSmoothing, Framing framing) {
        this.framing = framing;
        this.images = images;
        this.order = order;
        this.batchSize = batchSize;
        this.tables = normalizer.tables();
        this.black = new float[tables.length];
        for (int ch = 0; ch < tables.length; ch++) {
            black[ch] = tables[ch][0];
        }
        this.augmentation = augmentation == null || augmentation.isNone() ? null : augmentation;
        this.random = new Random(seed);
        this.labelSmoothing = (float) labelSmoothing;
    }

    @Override
    public boolean hasNext() {
        return cursor < order.length;
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public DataSet next(int num) {
        int n = Math.min(num, order.length - cursor);
        int c = images.channels();
        int side = framing.side();
        int imageSize = c * side * side;
        int k = images.numClasses();
        if (features.length != n * imageSize) {
            features = new float[n * imageSize];
            labels = new float[n * k];
        }
        float off = labelSmoothing / k;
        float on = 1 - labelSmoothing + off;
        java.util.Arrays.fill(labels, off);
        for (int b = 0; b < n; b++) {
            int index = order[cursor + b];
            int dst = b * imageSize;
            framing.write(images.chunk(index), images.offset(index), c, images.height(), images.width(), tables, random, features, dst);
            if (augmentation != null) {
                augmentation.apply(features, dst, c, side, side, random, black);
            }
            labels[b * k + images.label(index)] = on;
        }
        cursor += n;
        INDArray f = Nd4j.create(features, new long[] {n, c, side, side}, 'c');
        INDArray l = Nd4j.create(labels, new long[] {n, k}, 'c');
        DataSet ds = new DataSet(f, l);
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    @Override
    public int inputColumns() {
        return images.channels() * framing.side() * framing.side();
    }

    @Override
    public int totalOutcomes() {
        return images.numClasses();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    @Override
    public void reset() {
        cursor = 0;
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return images.classNames();
    }
}
