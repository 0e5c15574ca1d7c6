#include "models/pdf/closure.hpp"

#include "core/error.hpp"
#include "core/philox.hpp"

namespace fl::pdf {

ClosureLevel closure_level_from_string(const std::string& s) {
  if (s == "0") return ClosureLevel::l0;
  if (s == "1") return ClosureLevel::l1;
  if (s == "2") return ClosureLevel::l2;
  if (s == "real") return ClosureLevel::real;
  input_error("closure.level: '" + s + "' is not one of 0, 1, 2, \"real\"");
}

std::string closure_level_name(ClosureLevel l) {
  switch (l) {
    case ClosureLevel::l0: return "L0";
    case ClosureLevel::l1: return "L1";
    case ClosureLevel::l2: return "L2";
    case ClosureLevel::real: return "real";
  }
  return "?";
}

namespace {
// L eta with eta ~ N(0, 1) from Philox (seed, stream), counter step 1 (step 0 = network init).
Eigen::VectorXd gaussian_noise(const Eigen::MatrixXd& cov, std::uint32_t seed, std::uint32_t stream) {
  PhiloxStream rng(PhiloxKey{seed, stream}, 1);
  Eigen::VectorXd eta(cov.rows());
  for (Eigen::Index i = 0; i < eta.size(); ++i) eta[i] = rng.normal();
  return Eigen::LLT<Eigen::MatrixXd>(0.5 * (cov + cov.transpose())).matrixL() * eta;
}
constexpr std::uint32_t kL1Stream = 0xFFFFFFF1u;  // distinct from every replica stream
}  // namespace

Eigen::VectorXd level1_data(const FkDataset& d, const ClosureOptions& o) {
  require(d.f_true.size() == d.n_grid(),
          d.origin + ": closure tests need the true PDF (f_bcdms.npy) next to the FK table");
  const Eigen::VectorXd eps = (!o.draw_l1 && d.l1_noise.size() == d.n_dat())
                                  ? d.l1_noise
                                  : gaussian_noise(d.cov, o.seed, kL1Stream);
  return d.fk * d.f_true + eps;
}

Eigen::MatrixXd closure_data(const FkDataset& d, const ClosureOptions& o, int replicas) {
  Eigen::MatrixXd Y(d.n_dat(), replicas);
  switch (o.level) {
    case ClosureLevel::real: Y.colwise() = d.data; break;
    case ClosureLevel::l0:
      require(d.f_true.size() == d.n_grid(), d.origin + ": closure tests need the true PDF");
      Y.colwise() = d.fk * d.f_true;
      break;
    case ClosureLevel::l1: Y.colwise() = level1_data(d, o); break;
    case ClosureLevel::l2: {
      const Eigen::VectorXd y1 = level1_data(d, o);
      for (int k = 0; k < replicas; ++k) Y.col(k) = y1 + gaussian_noise(d.cov, o.seed, static_cast<std::uint32_t>(k));
      break;
    }
  }
  return Y;
}

}  // namespace fl::pdf
