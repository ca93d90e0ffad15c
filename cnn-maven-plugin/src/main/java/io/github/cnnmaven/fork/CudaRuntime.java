package io.github.cnnmaven.fork;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.github.cnnmaven.config.Choice;

/**
 * {@code cnn.cudaRuntime}: where the CUDA 11.6 and cuDNN 8.3 libraries that DL4J 1.0.0-M2.1 needs come
 * from. Most GPU machines today have a newer CUDA installed and not 11.6; their driver still runs
 * 11.6 code, so the bundled libraries make them work.
 */
public enum CudaRuntime implements Choice {
    /** The libraries installed on the machine (CUDA 11.6, and cuDNN 8.3 when present). */
    SYSTEM,
    /**
     * JavaCPP's redistributable of CUDA 11.6 and cuDNN 8.3 ({@code org.bytedeco:cuda:…:<platform>-redist}),
     * resolved through Maven like any artifact: about 1.8 GB once into the local repository, so opt-in.
     */
    BUNDLED;

    @JsonCreator
    public static CudaRuntime fromJson(String value) {
        return Choice.fromJson(CudaRuntime.class, value);
    }

    /** The id, so messages and logs show what users write. */
    @Override
    public String toString() {
        return id();
    }
}
