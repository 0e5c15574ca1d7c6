#pragma once
// Built-in FK-table generator (the default data when no data directory is given):
// non-singlet DIS at leading order. xT3 is evolved with LO DGLAP from Q0 = 1.65 GeV to each
// data point's Q^2; at LO F2p - F2d = x T3 / 6 (isoscalar deuteron). Kinematics are
// BCDMS-like: x in [0.07, 0.75], Q^2 in [7.5, 230] GeV^2.
//
// True law (documented in docs/ntk-pdf.md): xT3(x) = 1.9 x^0.6 (1 - x)^3.3 (1 + 1.5 x), close in
// shape to the NNPDF4.0 xT3 of the paper (peak ~0.36 near x = 0.3).
// Covariance: uncorrelated statistical errors sigma_I = 0.05 |T_I| + 0.002 and three fully
// correlated multiplicative systematics of 3%, 2%, 1% (a normalisation and two x-dependent
// shifts).
#include <cstdint>
#include <vector>

#include "models/pdf/fk_dataset.hpp"
#include "models/pdf/lo_evolution.hpp"

namespace fl::pdf {

// The paper's 50-point grid (Tab. 1 of arXiv:2512.24116 in form): 27 points log-spaced from
// 2e-7 up to 0.1 (exclusive), then 23 linear points from 0.1 to 1.
std::vector<double> paper_like_grid();

double lo_true_xt3(double x);

struct LoGeneratorOptions {
  LoCoupling coupling;
  int n_x_bins = 11;   // x bins log-spaced in [0.07, 0.75]
  int n_q2 = 12;       // Q^2 values log-spaced in [7.5, 230], shared by all x bins
  std::uint32_t seed = 1;  // seed of the fixed L1 noise draw shipped with the set
};

// Data points are the (x, Q^2) pairs with Q^2 >= 7.5 + 40 (x - 0.07) (BCDMS-like acceptance);
// `data` is the L0 prediction of the true law, `l1_noise` one N(0, C) draw.
FkDataset generate_lo_dataset(const LoGeneratorOptions& options = {});

}  // namespace fl::pdf
