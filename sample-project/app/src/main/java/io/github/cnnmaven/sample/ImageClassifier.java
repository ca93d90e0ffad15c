package io.github.cnnmaven.sample;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/** Classifies images with the model.onnx that the cnn-maven-plugin trained, loaded from the classpath. */
public final class ImageClassifier implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final List<String> classes;
    private final int channels;
    private final int height;
    private final int width;

    public ImageClassifier() throws IOException, OrtException {
        try (InputStream in = ImageClassifier.class.getResourceAsStream("/model.onnx")) {
            session = env.createSession(in.readAllBytes());
        }
        classes = new ObjectMapper().readValue(session.getMetadata().getCustomMetadata().get("classes"),
                new TypeReference<List<String>>() { });
        long[] shape = ((TensorInfo) session.getInputInfo().get("pixels").getInfo()).getShape(); // [batch, C, H, W]
        channels = (int) shape[1];
        height = (int) shape[2];
        width = (int) shape[3];
    }

    public List<String> classes() {
        return classes;
    }

    /** The most probable class of the image. */
    public String classify(BufferedImage image) throws OrtException {
        BufferedImage resized = new BufferedImage(width, height, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = resized.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        float[] pixels = new float[channels * height * width]; // raw 0-255, channels first: the model normalises
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = resized.getRGB(x, y);
                for (int c = 0; c < channels; c++) {
                    pixels[(c * height + y) * width + x] = channels == 1 ? resized.getRaster().getSample(x, y, 0)
                            : (rgb >> (16 - 8 * c)) & 0xff;
                }
            }
        }
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {1, channels, height, width});
             OrtSession.Result result = session.run(Map.of("pixels", input))) {
            float[] p = ((float[][]) result.get(0).getValue())[0];
            int best = 0;
            for (int k = 1; k < p.length; k++) {
                best = p[k] > p[best] ? k : best;
            }
            return classes.get(best);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
