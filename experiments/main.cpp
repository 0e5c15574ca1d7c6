#include "experiments/cli.hpp"

int main(int argc, char** argv) { return fl::run_cli(argc, argv); }
