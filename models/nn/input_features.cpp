#include "models/nn/input_features.hpp"

#include <cmath>

#include "core/error.hpp"

namespace fl::nn {

InputMap input_map_from_name(const std::string& name) {
  if (name == "x") return InputMap::x;
  if (name == "x_logx") return InputMap::x_logx;
  input_error("net.input: unknown input map '" + name + "' (known: x, x_logx)");
}

std::vector<double> input_features(const std::vector<double>& x, InputMap map) {
  if (map == InputMap::x) return x;
  std::vector<double> out;
  out.reserve(2 * x.size());
  for (double v : x) {
    require(v > 0, "net.input: x_logx needs x > 0 on the whole grid");
    out.push_back(v);
    out.push_back(std::log(v));
  }
  return out;
}

}  // namespace fl::nn
