/**
 * The PyTorch compute backend: TorchScript modules, and presets built from DJL's blocks, trained through
 * DJL's PyTorch engine (libtorch), behind the compute-backend port (docs/ARCHITECTURE.md, "The compute
 * backend"; docs/MODELS.md, "PyTorch models"). The only package that names DJL.
 */
package org.adanspark.spark.model.torch;
