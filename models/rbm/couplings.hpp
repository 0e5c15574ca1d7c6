#pragma once
// Effective couplings of the visible units after the hidden ones are summed out:
//   -F(v) = const + sum_{S != {}} J_S prod_{j in S} v_j      (v in {0,1}, exact and finite),
//   J_S = [|S| = 1] b_j + sum_i sum_{T subset S} (-1)^{|S|-|T|} G_i(sum_{j in T} W_ij),
// with G_i(t) = softplus(c_i + t) - softplus(c_i) evaluated as a stable FP64 difference.
// In +-1 spin language (v = (1 + s)/2): -F = const + sum_U K_U prod_{j in U} s_j with
// K_U = sum_{S superset U} J_S / 2^{|S|} (Walsh transform).
#include <cstdint>
#include <vector>

#include "models/rbm/rbm.hpp"

namespace fl::rbm {

// J_S for one set S of distinct visible indices (|S| >= 1; 2^{|S|} terms per hidden unit).
double coupling(const RbmParams& p, const std::vector<int>& S);
// All one-body couplings J_j and the symmetric two-body matrix J_jk (zero diagonal,
// row-major n_v x n_v).
std::vector<double> couplings_order1(const RbmParams& p);
std::vector<double> couplings_order2(const RbmParams& p);

// Every J_S at once by brute-force Moebius inversion of -F over all 2^{n_v} visible states
// (n_v <= 20). Index = bitmask of S; entry 0 is the constant -F(0).
std::vector<double> couplings_all_moebius(const RbmParams& p);
// Every spin-language coupling K_U by a fast Walsh-Hadamard transform of -F(s) (n_v <= 20).
// Entry 0 is the constant.
std::vector<double> spin_couplings_all(const RbmParams& p);
// K_U from a full table of J_S (index = bitmask): superset sums with weights 2^{-|S|}.
std::vector<double> spin_from_binary_couplings(const std::vector<double>& J, int n_v);

}  // namespace fl::rbm
