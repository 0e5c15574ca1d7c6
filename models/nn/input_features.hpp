#pragma once
// Network inputs built from a 1-d grid: x alone, or (x, ln x) as the PDF fits' optional input.
#include <string>
#include <vector>

#include "core/view.hpp"

namespace fl::nn {

enum class InputMap { x, x_logx };
InputMap input_map_from_name(const std::string& name);  // "x" or "x_logx"
inline index_t input_dim(InputMap m) { return m == InputMap::x ? 1 : 2; }

// Column-major n_0 x B matrix (sample b in column b). InputError for x <= 0 with x_logx.
std::vector<double> input_features(const std::vector<double>& x, InputMap map);

}  // namespace fl::nn
