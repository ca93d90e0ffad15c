package io.github.cnnmaven.network;

/** The shape of one input image (channels × height × width) and the number of classes to predict. */
public record InputShape(int channels, int height, int width, int classes) {

    @Override
    public String toString() {
        return height + "x" + width + "x" + channels;
    }
}
