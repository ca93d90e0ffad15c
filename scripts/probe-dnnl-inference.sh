#!/usr/bin/env bash
# Which algorithm and layout pay for the inference graph's convolutions (kernels.OneDnnInferenceConvolution's rule):
# scripts/probe-dnnl.sh with scripts/dnnl-probe's InferenceProbe, which times resnet20's and alexnet-cifar's
# convolutions at batch 128 with a ReLU post-op through JavaCPP's oneDNN preset, on THREADS threads (default 2) that
# wait passively as the forks' do: direct on NHWC and on the layout oneDNN chooses, Winograd on the layout it chooses
# (blocked), alone and with the NHWC input and output converted around it. Prints "PROBE" lines, in ms per call.
set -euo pipefail
OMP_WAIT_POLICY=PASSIVE exec "$(dirname "$0")/probe-dnnl.sh" InferenceProbe
