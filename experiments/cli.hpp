#pragma once
// The `fieldlearn` command line: `info`, `list`, and one subcommand per registered experiment.
// Returns the process exit status: 0 success, 1 internal/numerical failure, 2 bad input.
namespace fl {
int run_cli(int argc, char** argv);
}
