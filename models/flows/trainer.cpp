#include "models/flows/trainer.hpp"

#include <cmath>
#include <cstring>
#include <fstream>
#include <numbers>
#include <sstream>

#include "core/error.hpp"
#include "core/io/files.hpp"
#include "models/flows/adam_cpu.hpp"

namespace fl::flows {
namespace {
// Format 02: the s and t networks of an affine layer stored as two heads (stacked first layer).
constexpr char kMagic[8] = {'F', 'L', 'F', 'L', 'O', 'W', '0', '2'};
constexpr std::uint32_t kTrainStream = 0x30000;

template <class V>
void put(std::string& out, const V& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(V));
}
template <class V>
void put_vector(std::string& out, const std::vector<V>& v) {
  put(out, static_cast<std::uint64_t>(v.size()));
  out.append(reinterpret_cast<const char*>(v.data()), sizeof(V) * v.size());
}

struct Reader {
  const std::string& data;
  std::size_t at = 0;
  std::string origin;
  template <class V>
  V get() {
    if (at + sizeof(V) > data.size()) throw InputError(origin + ": truncated checkpoint");
    V v;
    std::memcpy(&v, data.data() + at, sizeof(V));
    at += sizeof(V);
    return v;
  }
  template <class V>
  std::vector<V> get_vector(std::uint64_t expected_max) {
    const auto n = get<std::uint64_t>();
    if (n > expected_max || at + n * sizeof(V) > data.size()) throw InputError(origin + ": truncated checkpoint");
    std::vector<V> v(n);
    std::memcpy(v.data(), data.data() + at, n * sizeof(V));
    at += n * sizeof(V);
    return v;
  }
};
}  // namespace

template <class T>
FlowTrainer<T>::FlowTrainer(Flow<T>& flow, const phi4::Couplings& c, const TrainSettings& s)
    : flow_(flow), couplings_(c), s_(s) {
  require(s.batch > 0, "train.batch: must be positive");
  require(s.steps >= 0, "train.steps: must be non-negative");
  require(s.learning_rate > 0, "train.learning_rate: must be positive");
  batch_ = make_flow_batch<T>(flow.backend(), flow.spec().L, s.batch);
  adam_m_ = Buffer<T>::zeros(flow.backend(), flow.n_params());
  adam_v_ = Buffer<T>::zeros(flow.backend(), flow.n_params());
}

template <class T>
double FlowTrainer<T>::learning_rate() const {
  if (!s_.cosine || s_.steps == 0) return s_.learning_rate;
  const double t = std::min<double>(static_cast<double>(step_), static_cast<double>(s_.steps));
  return 0.5 * s_.learning_rate * (1.0 + std::cos(std::numbers::pi * t / static_cast<double>(s_.steps)));
}

template <class T>
double FlowTrainer<T>::step() {
  flow_.sample(batch_, PhiloxKey{s_.seed, kTrainStream}, static_cast<std::uint64_t>(step_), FlowMode::train);
  const double loss = flow_.loss_and_gradient(batch_, couplings_);
  if (!std::isfinite(loss))
    throw NumericalError("flow training: non-finite loss at step " + std::to_string(step_) +
                         " (reduce train.learning_rate)");
  AdamParams p;
  p.learning_rate = learning_rate();
  ++step_;
  const VectorView<const T> g(flow_.grads().view());
  if (flow_.backend().device() == Device::cpu)
    adam_step_cpu(p, step_, flow_.params().view(), g, adam_m_.view(), adam_v_.view());
  else
    flow_.backend().adam_step(p, step_, flow_.params().view(), g, adam_m_.view(), adam_v_.view());
  return loss;
}

template <class T>
void FlowTrainer<T>::save(const std::filesystem::path& file) const {
  std::string out(kMagic, sizeof(kMagic));
  const std::string arch = flow_.spec().describe();
  put(out, static_cast<std::uint32_t>(sizeof(T)));
  put_vector(out, std::vector<char>(arch.begin(), arch.end()));
  put(out, step_);
  put_vector(out, flow_.params().to_host());
  put_vector(out, adam_m_.to_host());
  put_vector(out, adam_v_.to_host());
  put_vector(out, flow_.frozen_state());
  write_text_atomic(file, out);
}

template <class T>
void FlowTrainer<T>::load(const std::filesystem::path& file) {
  const std::string data = read_text(file);
  const std::string origin = file.string();
  if (data.size() < sizeof(kMagic) || std::memcmp(data.data(), kMagic, sizeof(kMagic)) != 0)
    throw InputError(origin + ": not a flow checkpoint of this version (format FLFLOW02)");
  Reader r{data, sizeof(kMagic), origin};
  if (r.get<std::uint32_t>() != sizeof(T)) throw InputError(origin + ": checkpoint of another precision");
  const auto arch = r.get_vector<char>(1 << 16);
  if (std::string(arch.begin(), arch.end()) != flow_.spec().describe())
    throw InputError(origin + ": checkpoint of a different architecture (" + std::string(arch.begin(), arch.end()) +
                     ")");
  const auto step = r.get<std::int64_t>();
  const auto n = static_cast<std::uint64_t>(flow_.n_params());
  const auto params = r.get_vector<T>(n), m = r.get_vector<T>(n), v = r.get_vector<T>(n);
  if (params.size() != n || m.size() != n || v.size() != n)
    throw InputError(origin + ": parameter count does not match the flow");
  const auto frozen = r.get_vector<double>(1 << 16);
  flow_.set_frozen_state(frozen);
  flow_.backend().upload(params.data(), flow_.params().view());
  flow_.backend().upload(m.data(), adam_m_.view());
  flow_.backend().upload(v.data(), adam_v_.view());
  step_ = step;
}

template class FlowTrainer<float>;
template class FlowTrainer<double>;

}  // namespace fl::flows
