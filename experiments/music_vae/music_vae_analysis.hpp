#pragma once
// The study's analysis of a trained model on held-out windows: unit statistics, ablations,
// feature correlations, factor recovery (synthetic data) and latent interpolation.
#include "experiments/experiment.hpp"
#include "models/music/corpus.hpp"
#include "models/vae/music_vae.hpp"

namespace fl {

template <class T>
void analyse_music_vae(RunContext& ctx, vae::MusicVae<T>& model, const music::Corpus& corpus);

}  // namespace fl
