#pragma once
// mode = "scaling": the training cost to reach target acceptances versus L (arXiv:2112.15532),
// with tau_int of the flow sampler, HMC and local Metropolis and the model size per L.
// Resumable: every L keeps its own checkpoint and history (scaling_L<L>_*); a finished L is
// recorded in scaling_done.json, so --resume skips it and continues the current L from its
// last checkpoint, with results identical to an uninterrupted run (wall times aside).
#include "experiments/flow_phi4/run_parts.hpp"

namespace fl::flow_phi4 {

void run_scaling(RunContext& ctx, const Settings& st, const InterruptHook& interrupt = {});

}  // namespace fl::flow_phi4
