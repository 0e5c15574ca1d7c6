#pragma once
// Association measures between a latent unit's mu and a feature, each with a permutation
// null (the feature is shuffled; p = (1 + #{null >= observed}) / (1 + n_permutations)).
//  - phik: phi_K-style coefficient (Baak et al., arXiv:1811.11440). Both variables are binned
//    by rank into `bins` quantile bins (ties share a bin), the Pearson chi^2 of the
//    contingency table is reduced by its independence expectation (the degrees of freedom)
//    and converted to the correlation rho in [0, 1] of a bivariate normal that, binned with
//    the same marginal fractions, gives that chi^2.
//  - spearman: rank correlation (average ranks for ties), in [-1, 1]; the null uses |rho|.
//  - mutual information (nats) of the same quantile-binned table.
#include <cstdint>
#include <vector>

namespace fl::vae {

std::vector<int> quantile_bins(const std::vector<double>& x, int bins);
double spearman(const std::vector<double>& x, const std::vector<double>& y);
double binned_mutual_information(const std::vector<double>& x, const std::vector<double>& y, int bins);
double phik(const std::vector<double>& x, const std::vector<double>& y, int bins);

struct Association {
  double value = 0;
  double p_value = 1;
};
struct FeatureAssociation {
  Association phik, spearman, mutual_information;
};
FeatureAssociation associate(const std::vector<double>& x, const std::vector<double>& y, int bins,
                             int n_permutations, std::uint32_t seed);

}  // namespace fl::vae
