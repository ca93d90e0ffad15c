package io.github.cnnmaven.output;

import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.config.TrainingConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code run.json}: what one training run was (dataset, configuration, fingerprint, the model's
 * layers and size) and how it ran (backend, device, threads, time, memory).
 *
 * @param trainingSeconds time spent in epochs, summed over resumed runs
 * @param wallSeconds     this process's time, set-up included
 * @param peakResidentMb  the training JVM's peak resident memory; null where the OS does not say
 * @param deviceInfo      the backend and devices in detail (GPUs, their memory, CUDA versions)
 * @param workers         devices that trained at once ({@code cnn.gpus}; 1 without data parallelism)
 * @param engine          {@code local} (this JVM) or {@code spark}
 * @param cluster         how it trained on the cluster; null for {@code local}
 */
public record RunRecord(String fingerprint, DatasetDescription dataset, TrainingConfig configuration, Model model,
                        String backend, String device, int threads, int epochsRun, double trainingSeconds,
                        double wallSeconds, Long peakResidentMb, DeviceInfo deviceInfo, int workers, String engine,
                        ClusterRun cluster) {

    /** A run in this JVM. */
    public RunRecord(String fingerprint, DatasetDescription dataset, TrainingConfig configuration, Model model,
                     String backend, String device, int threads, int epochsRun, double trainingSeconds,
                     double wallSeconds, Long peakResidentMb, DeviceInfo deviceInfo, int workers) {
        this(fingerprint, dataset, configuration, model, backend, device, threads, epochsRun, trainingSeconds, wallSeconds,
                peakResidentMb, deviceInfo, workers, "local", null);
    }

    /** The network's size and layers ({@link ModelSummary}). */
    public record Model(String network, long parameters, long multiplyAddsPerImage, long flopsPerImage,
                        List<ModelSummary.LayerRow> layers) {

        public static Model of(String network, ModelSummary summary) {
            return new Model(network, summary.parameters(), summary.multiplyAdds(), summary.flops(), summary.layers());
        }
    }

    public static RunRecord read(Path file) throws CnnException {
        return Json.read(file, RunRecord.class);
    }

    public void write(Path file) throws CnnException {
        Json.write(file, this);
    }
}
