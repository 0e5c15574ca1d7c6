#pragma once
// FL_HD marks functions that run on both host and device. Physics formulas are written
// once with it and called from the CPU loops and from the CUDA kernels alike.
#if defined(__CUDACC__)
#define FL_HD __host__ __device__ __forceinline__
#else
#define FL_HD inline
#endif
