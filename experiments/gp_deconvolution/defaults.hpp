#pragma once
// The complete default configuration of `fieldlearn gp-deconvolution` (every key the
// experiment reads; config files and --set may only override these).
namespace fl::gp_deconvolution {

inline constexpr const char* kDefaults = R"toml(
seed = 1
operator = "x3"            # x or x3: which correlator <O(tau) O(0)> is deconvolved

[qho]
m = 1.0
omega = 1.0
a = 0.05
n_t = 200
n_configs = 4000           # measurements in total (all chains)
n_chains = 16
algorithm = "hmc"          # hmc, metropolis or exact (independent Gaussian draws)
n_therm = 200
n_skip = 4
metropolis_step = 1.0      # in units of sqrt(a/m)
hmc_step = 0.1
hmc_leapfrog = 40

[input]
correlator_file = ""       # optional .npy (samples x n_t, or n_t) replacing the Monte Carlo

[analysis]
fold = "standard"          # standard (tau <-> N - tau) or repo (tau <-> N - 1 - tau)
block_size = 20
n_boot = 1000
n_test_samples = 20        # bootstrap correlators pushed through each reconstruction
energy_t1 = 30             # aE1 from C(t1)/C(t2) (cosh form)
energy_t2 = 80

[inverse_problem]
n_tau = 100
time_extent = 200
n_omega = 1000
omega_min = 0.0
omega_max = 0.2
smear_sigma = 0.01         # width of the smeared exact target

[train_set]
family = "gaussian_peaks"  # gaussian_peaks or chebyshev
size = 1000
seed = 7
n_peaks = 3
peak_sigma = 0.01
mu_min = 0.0
mu_max = 1.0
weight_min = 0.01
weight_max = 1.0
repo_peak_norm = false
chebyshev_terms = 6
e0_min = 0.2
e0_max = 1.3
e_max = 2.5

[kernel]
activation = "relu"
depth = 3                  # hidden layers
sigma_w = 3.0
sigma_b = 10.0
quadrature_degree = 25
repo_ntk_variant = false
diag_reg = 0.0             # relative to the mean diagonal
max_jitter = 1e-4          # relative; beyond this the kernel is rejected
ntk_time = 0.0             # eta * t of the NTK-GP; 0 means t -> infinity

[backus_gilbert]
lambda = 1e-3
omega_max = 2.0
quadrature_panels = 200

[linear_gp]
amplitude = 5.0
length = 0.01
omega_max = 0.3
n_omega = 301

[nn]
widths = [16, 64, 256]
parameterization = "ntk"   # ntk (sigma_w, sigma_b of [kernel]) or standard (PyTorch default init)
replicas = 4               # initialisations per width (ensemble mean)
epochs = 20
batch_size = 16
learning_rate = 1e-3
lr_step = 0                # StepLR every lr_step iterations (0: constant)
lr_gamma = 0.1
antithetic = false         # replica pairs with opposite readout signs (cancels f_0 in the ensemble mean)
)toml";

}  // namespace fl::gp_deconvolution
