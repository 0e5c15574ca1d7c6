#pragma once
// Two kinds of failure: bad input from the user (exit status 2, one `error:` line) and
// numerical/internal failures (exit status 1). Both carry a message meant for a person.
#include <stdexcept>
#include <string>

namespace fl {

// Bad input: unknown flag, malformed file, impossible size, NaN in data, ...
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A computation that cannot proceed (e.g. a matrix that stays indefinite after jitter).
struct NumericalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void input_error(const std::string& msg) { throw InputError(msg); }

// Checks a precondition on user input.
inline void require(bool ok, const std::string& msg) {
  if (!ok) throw InputError(msg);
}

}  // namespace fl
