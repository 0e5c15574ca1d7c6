// Correlation measures, unit statistics, schedules and checkpoints.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/backend.hpp"
#include "core/error.hpp"
#include "core/philox.hpp"
#include "models/music/synthetic.hpp"
#include "models/vae/correlation.hpp"
#include "models/vae/latent_analysis.hpp"
#include "models/vae/trainer.hpp"

using namespace fl;
using namespace fl::vae;

namespace {
void bivariate_normal(std::size_t n, double r, std::uint32_t stream, std::vector<double>& x, std::vector<double>& y) {
  PhiloxStream rng(PhiloxKey{3, stream}, 0);
  x.resize(n);
  y.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double a = rng.normal(), b = rng.normal();
    x[i] = a;
    y[i] = r * a + std::sqrt(1 - r * r) * b;
  }
}
}  // namespace

TEST(VaeCorrelation, PhikRecoversBivariateNormalCorrelation) {
  for (double r : {0.3, 0.6, 0.9}) {
    std::vector<double> x, y;
    bivariate_normal(4000, r, static_cast<std::uint32_t>(100 * r), x, y);
    EXPECT_NEAR(phik(x, y, 10), r, 0.05) << r;
    // Spearman of a bivariate normal: (6/pi) asin(r/2); its sampling error is ~ 1/sqrt(n).
    EXPECT_NEAR(spearman(x, y), 6 / M_PI * std::asin(r / 2), 4 / std::sqrt(4000.0)) << r;
    // phi_K is invariant under monotone transformations (it only sees ranks).
    std::vector<double> y3(y.size());
    for (std::size_t i = 0; i < y.size(); ++i) y3[i] = std::exp(3 * y[i]);
    EXPECT_NEAR(phik(x, y3, 10), phik(x, y, 10), 1e-12);
  }
  // Non-monotone dependence: phi_K and MI see it, Spearman does not.
  std::vector<double> x, y;
  bivariate_normal(4000, 0.0, 7, x, y);
  std::vector<double> sq(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) sq[i] = x[i] * x[i] + 0.1 * y[i];
  const auto a = associate(x, sq, 10, 50, 1);
  EXPECT_GT(a.phik.value, 0.5);
  EXPECT_LT(std::fabs(a.spearman.value), 0.1);
  EXPECT_LT(a.phik.p_value, 0.05);
  EXPECT_LT(a.mutual_information.p_value, 0.05);
}

TEST(VaeCorrelation, IndependentVariablesGiveNoAssociation) {
  std::vector<double> x, y;
  bivariate_normal(3000, 0.0, 9, x, y);
  const auto a = associate(x, y, 10, 100, 2);
  EXPECT_LT(a.phik.value, 0.1);
  EXPECT_LT(std::fabs(a.spearman.value), 4 / std::sqrt(3000.0));
  // Under the null the p-values are uniform; these seeds are not tuned, 0.001 is ~3 sigma.
  EXPECT_GT(a.spearman.p_value, 0.001);
  EXPECT_GT(a.mutual_information.p_value, 0.001);
  // MI of independent binned variables is the small positive bias ~ (bins-1)^2 / (2N).
  EXPECT_LT(a.mutual_information.value, 3 * 81.0 / (2 * 3000));
  // A constant feature carries nothing.
  EXPECT_EQ(phik(x, std::vector<double>(x.size(), 1.0), 10), 0.0);
}

TEST(VaeAnalysis, UnitStatisticsByHand) {
  // Z = 2 units, N = 4 windows: unit 0 varies, unit 1 is a noise unit (mu 0, sigma 1).
  const std::vector<double> mu = {1, 0, -1, 0, 2, 0, 0, 0}, sigma = {0.5, 1, 0.5, 1, 0.5, 1, 0.5, 1};
  const auto s = unit_statistics(mu, sigma, 2, 4, 0.01);
  const double m = 0.5, var = ((1 - m) * (1 - m) + (-1 - m) * (-1 - m) + (2 - m) * (2 - m) + m * m) / 4;
  EXPECT_DOUBLE_EQ(s.activity[0], var);
  EXPECT_DOUBLE_EQ(s.activity[1], 0.0);
  EXPECT_EQ(s.n_active, 1);
  EXPECT_EQ(s.order[0], 0);
  EXPECT_DOUBLE_EQ(s.mean_sigma[0], 0.5);
  EXPECT_DOUBLE_EQ(s.mean_kl[1], 0.0);
  const double kl0 = 0.25 * (0.5 * (1 + 0.25 - 1 - std::log(0.25)) * 2 + 0.5 * (4 + 0.25 - 1 - std::log(0.25)) +
                             0.5 * (0 + 0.25 - 1 - std::log(0.25)));
  EXPECT_NEAR(s.mean_kl[0], kl0, 1e-12);
  const auto z = keep_units(mu, 2, 4, {1});
  EXPECT_EQ(z, std::vector<double>(8, 0.0));
}

TEST(VaeAnalysis, LatentSpectrumSeesRotatedCodes) {
  // Two independent signals of variance 4 and 1 in Z = 64 units, N = 4000 windows; first along
  // units 0 and 1, then each spread evenly over 32 units (orthogonal +-1/sqrt(32) patterns).
  const std::int64_t Z = 64, N = 4000;
  std::vector<double> aligned(Z * N, 0.0), rotated(Z * N, 0.0);
  PhiloxStream rng(PhiloxKey{7, 0}, 0);
  for (std::int64_t n = 0; n < N; ++n) {
    const double a = 2 * rng.normal(), b = rng.normal();
    aligned[0 + n * Z] = a;
    aligned[1 + n * Z] = b;
    for (std::int64_t u = 0; u < Z; ++u) {
      const double pa = u < 32 ? 1.0 : 0.0, pb = u < 32 ? (u % 2 ? 1.0 : -1.0) : 0.0;
      rotated[u + n * Z] = (pa * a + pb * b) / std::sqrt(32.0);
    }
  }
  const std::vector<double> sigma(Z * N, 1.0);
  const auto sa = latent_spectrum(aligned, Z, N, 0.01), sr = latent_spectrum(rotated, Z, N, 0.01);
  EXPECT_EQ(unit_statistics(aligned, sigma, Z, N, 0.01).n_active, 2);
  EXPECT_EQ(unit_statistics(rotated, sigma, Z, N, 0.01).n_active, 32);  // A_u = 5/32 each
  for (const auto* s : {&sa, &sr}) {
    EXPECT_EQ(s->n_directions, 2);
    // Sample variances of N(0, 4) and N(0, 1): 4 standard errors sqrt(2/N) v.
    EXPECT_NEAR(s->variance[0], 4.0, 4 * std::sqrt(2.0 / N) * 4.0);
    EXPECT_NEAR(s->variance[1], 1.0, 4 * std::sqrt(2.0 / N) * 1.0);
    EXPECT_LT(s->variance[2], 1e-12);
  }
  // The sample covariance mixes the two signals by an angle ~ cov_ab / (4 - 1) ~ 0.02, which
  // moves the participation by ~ 2 theta^2 (aligned) and ~ 4 theta^2 relative (rotated).
  EXPECT_NEAR(sa.participation[0], 1.0, 0.01);
  EXPECT_NEAR(sa.participation[1], 1.0, 0.01);
  EXPECT_NEAR(sr.participation[0], 32.0, 0.5);
  EXPECT_NEAR(sr.participation[1], 32.0, 0.5);
}

TEST(VaeTraining, SchedulesFollowTheirFormulas) {
  TrainConfig c;
  c.max_beta = 0.5;
  c.beta_rate = 0.99999;
  EXPECT_DOUBLE_EQ(beta_at(c, 0), 0.0);
  EXPECT_NEAR(beta_at(c, 100000), 0.5 * (1 - std::pow(0.99999, 100000)), 1e-15);
  EXPECT_NEAR(lr_at(c, 0), 1e-3, 1e-15);
  EXPECT_NEAR(lr_at(c, 20000), (1e-3 - 1e-5) * std::pow(0.9999, 20000) + 1e-5, 1e-15);
  c.sampling_k = 1000;
  EXPECT_NEAR(p_sample_at(c, 0), 1 - 1000.0 / 1001.0, 1e-15);
  EXPECT_NEAR(p_sample_at(c, static_cast<std::int64_t>(1000 * std::log(1000.0))), 0.5, 1e-3);
  EXPECT_NEAR(p_sample_at(c, 100000000), 1.0, 1e-15);  // exp overflow -> 1
  c.sampling_k = 0;
  EXPECT_EQ(p_sample_at(c, 5000), 0.0);
}

TEST(VaeTraining, CheckpointRoundTripAndArchitectureMismatch) {
  Backend& be = cpu_backend();
  VaeShape shape;
  shape.z = 8;
  shape.enc_width = 6;
  shape.dec_width = 5;
  const auto corpus = music::make_synthetic_corpus(50, 1);
  TrainConfig tc;
  tc.batch = 4;
  MusicVae<float> a(be, shape, 1);
  VaeTrainer<float> ta(a, tc, corpus.windows);
  for (int i = 0; i < 3; ++i) ta.step();
  const auto path = std::filesystem::temp_directory_path() / "fl_vae_ckpt_test.bin";
  ta.save_checkpoint(path);
  // Resuming and continuing gives the same parameters as running straight through.
  MusicVae<float> b(be, shape, 1);
  be.fill(b.params().values().view(), 0.0f);  // whatever b held is replaced by the checkpoint
  VaeTrainer<float> tb(b, tc, corpus.windows);
  tb.load_checkpoint(path);
  EXPECT_EQ(tb.steps_done(), 3);
  ta.step();
  tb.step();
  EXPECT_EQ(a.params().values().to_host(), b.params().values().to_host());
  // Another architecture or precision is refused with the file name.
  VaeShape other = shape;
  other.dec_width = 7;
  MusicVae<float> c(be, other, 1);
  VaeTrainer<float> tc2(c, tc, corpus.windows);
  try {
    tc2.load_checkpoint(path);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("fl_vae_ckpt_test.bin"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("another architecture"), std::string::npos);
  }
  MusicVae<double> d(be, shape, 1);
  VaeTrainer<double> td(d, tc, corpus.windows);
  EXPECT_THROW(td.load_checkpoint(path), InputError);
  std::filesystem::remove(path);
}
