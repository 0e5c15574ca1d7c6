#include "models/pdf/fk_dataset.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/io/npy.hpp"

namespace fl::pdf {

namespace {

struct Loaded {
  std::vector<double> values;  // row-major
  std::vector<std::int64_t> shape;
};

Loaded load(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) input_error(file.string() + ": file not found");
  const NpyArray a = read_npy(file);
  Loaded l{a.to_f64(), a.shape};
  for (double v : l.values)
    if (!std::isfinite(v)) input_error(file.string() + ": contains NaN or infinite values");
  return l;
}

std::string shape_str(const std::vector<std::int64_t>& s) {
  std::string out = "(";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + (s.size() == 1 ? ",)" : ")");
}

Eigen::MatrixXd as_matrix(const Loaded& l, const std::filesystem::path& file) {
  if (l.shape.size() != 2) input_error(file.string() + ": expected a 2-d array, got shape " + shape_str(l.shape));
  Eigen::MatrixXd m(l.shape[0], l.shape[1]);
  for (std::int64_t i = 0; i < l.shape[0]; ++i)
    for (std::int64_t j = 0; j < l.shape[1]; ++j) m(i, j) = l.values[i * l.shape[1] + j];
  return m;
}

Eigen::VectorXd as_vector(const Loaded& l, const std::filesystem::path& file, Eigen::Index n,
                          const std::string& what) {
  if (l.shape.size() != 1 || l.shape[0] != n)
    input_error(file.string() + ": shape " + shape_str(l.shape) + " does not match " + what + " (" +
                std::to_string(n) + ")");
  return Eigen::Map<const Eigen::VectorXd>(l.values.data(), n);
}

}  // namespace

FkDataset load_fk_dataset(const std::filesystem::path& dir) {
  FkDataset d;
  d.origin = dir.string();
  const auto fk_file = dir / "FK.npy", cy_file = dir / "Cy.npy", data_file = dir / "data.npy",
             grid_file = dir / "fk_grid.npy";
  d.fk = as_matrix(load(fk_file), fk_file);
  const Eigen::Index nd = d.fk.rows(), ng = d.fk.cols();
  d.cov = as_matrix(load(cy_file), cy_file);
  if (d.cov.rows() != nd || d.cov.cols() != nd)
    input_error(cy_file.string() + ": covariance is " + std::to_string(d.cov.rows()) + "x" +
                std::to_string(d.cov.cols()) + " but FK.npy has " + std::to_string(nd) + " data points");
  d.data = as_vector(load(data_file), data_file, nd, "the number of rows of FK.npy");
  d.grid = as_vector(load(grid_file), grid_file, ng, "the number of columns of FK.npy");
  if (const auto f = dir / "f_bcdms.npy"; std::filesystem::exists(f))
    d.f_true = as_vector(load(f), f, ng, "the number of columns of FK.npy");
  if (const auto f = dir / "L1_noise_BCDMS.npy"; std::filesystem::exists(f))
    d.l1_noise = as_vector(load(f), f, nd, "the number of rows of FK.npy");
  // Name the covariance file in covariance errors.
  try {
    validate(d);
  } catch (const InputError& e) {
    input_error(cy_file.string() + ": " + e.what());
  }
  return d;
}

void validate(const FkDataset& d) {
  const Eigen::Index nd = d.fk.rows();
  require(nd > 0 && d.fk.cols() > 0, "empty FK table");
  require(d.cov.rows() == nd && d.cov.cols() == nd, "covariance shape does not match the FK table");
  require(d.data.size() == nd, "data length does not match the FK table");
  require(d.grid.size() == d.fk.cols(), "grid length does not match the FK table");
  require(d.fk.allFinite() && d.cov.allFinite() && d.data.allFinite() && d.grid.allFinite(),
          "NaN or infinite values");
  const double scale = d.cov.cwiseAbs().maxCoeff();
  require((d.cov - d.cov.transpose()).cwiseAbs().maxCoeff() <= 1e-10 * scale, "covariance is not symmetric");
  Eigen::LLT<Eigen::MatrixXd> llt(0.5 * (d.cov + d.cov.transpose()));
  require(llt.info() == Eigen::Success, "covariance is not positive definite");
}

}  // namespace fl::pdf
