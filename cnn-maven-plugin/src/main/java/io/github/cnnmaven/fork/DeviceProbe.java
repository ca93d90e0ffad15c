package io.github.cnnmaven.fork;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.output.DeviceInfo;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Asks the loaded ND4J backend what it runs on (in the forked JVM only: it loads the backend). For
 * CUDA, the device list comes from the backend's environment information, and the driver and
 * runtime versions from JavaCPP's CUDA bindings, looked up by reflection because only the CUDA
 * backend's classpath has them.
 */
public final class DeviceProbe {

    private DeviceProbe() {
    }

    /** The backend and devices, without touching a device. */
    public static DeviceInfo describe() {
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        String backend = String.valueOf(env.getOrDefault("backend", "unknown"));
        List<DeviceInfo.Gpu> gpus = new ArrayList<>();
        if (env.get("cuda.devicesInformation") instanceof List<?> devices) {
            for (Object d : devices) {
                if (d instanceof Map<?, ?> m) {
                    gpus.add(new DeviceInfo.Gpu(String.valueOf(m.get("cuda.deviceName")), megabytes(m.get("cuda.totalMemory")),
                            megabytes(m.get("cuda.freeMemory")), m.get("cuda.deviceMajor") + "." + m.get("cuda.deviceMinor")));
                }
            }
        }
        String device = gpus.isEmpty() ? env.getOrDefault("blas.vendor", "unknown") + " on " + env.getOrDefault("cores", "?")
                + " cores" : gpus.get(0).name();
        return new DeviceInfo(backend, device, gpus, cudaVersion("cudaDriverGetVersion"), cudaVersion("cudaRuntimeGetVersion"));
    }

    /**
     * Proves the backend works: loads it, checks it is the one asked for, and computes on the device.
     *
     * @param cuda whether the CUDA backend was asked for (a CPU backend answering instead is a failure)
     */
    public static DeviceInfo verify(boolean cuda) throws CnnException {
        DeviceInfo info = describe();
        if (cuda && !info.backend().toUpperCase(Locale.ROOT).contains("CUDA")) {
            throw new CnnException("the CUDA backend did not load (ND4J loaded " + info.backend() + ")");
        }
        INDArray a = Nd4j.ones(DataType.FLOAT, 64, 64);
        double sum = a.mmul(a).sumNumber().doubleValue();
        if (sum != 64.0 * 64 * 64) {
            throw new CnnException("a test multiplication on " + info.device() + " gave " + sum + ", not " + 64.0 * 64 * 64);
        }
        return info;
    }

    private static long megabytes(Object bytes) {
        try {
            return Long.parseLong(String.valueOf(bytes)) / (1024 * 1024);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** {@code major.minor} from a cudart version call (12040 → 12.4); null where there are no CUDA bindings. */
    private static String cudaVersion(String function) {
        try {
            Class<?> cudart = Class.forName("org.bytedeco.cuda.global.cudart");
            Method call = cudart.getMethod(function, int[].class);
            int[] version = new int[1];
            call.invoke(null, (Object) version);
            return version[0] / 1000 + "." + version[0] % 1000 / 10;
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}
