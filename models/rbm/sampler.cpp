#include "models/rbm/sampler.hpp"

#include "core/buffer.hpp"
#include "core/error.hpp"

namespace fl::rbm {

std::vector<std::uint8_t> gibbs_sample(const Rbm& rbm, const GibbsOptions& o) {
  require(o.n_chains >= 1 && o.n_samples >= 1 && o.spacing >= 1 && o.thermalization >= 0,
          "gibbs sampling: chains, samples and spacing must be >= 1");
  Backend& be = rbm.backend();
  const int n_v = rbm.n_v(), n_h = rbm.n_h(), M = o.n_chains;
  Matrix<double> V = Matrix<double>::zeros(be, n_v, M), PV(be, n_v, M), H(be, n_h, M), PH(be, n_h, M);
  std::uint64_t step = 0;
  const PhiloxKey key{o.seed, 4};
  auto sweep = [&]() {
    rbm.sample_hidden(V.view(), PH.view(), H.view(), key, step++);
    rbm.sample_visible(H.view(), PV.view(), V.view(), key, step++);
  };
  for (int t = 0; t < o.thermalization; ++t) sweep();
  std::vector<std::uint8_t> out;
  out.reserve(static_cast<std::size_t>(o.n_samples) * M * n_v);
  for (int s = 0; s < o.n_samples; ++s) {
    for (int t = 0; t < o.spacing; ++t) sweep();
    for (double x : V.to_host()) out.push_back(x > 0.5 ? 1 : 0);  // column c = chain c
  }
  return out;
}

}  // namespace fl::rbm
