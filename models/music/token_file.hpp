#pragma once
// Token files: the melody corpus format read by the C++ code (docs/music-vae.md).
//
//   # encoding musicvae-melody-90 min_pitch=21 max_pitch=108
//   # steps_per_bar 16
//   # window_bars 2            (0 = whole segments, windows are cut by the loader)
//   # any other comment line (provenance, counts)
//   <id> <t_1> <t_2> ... <t_n>   one sequence per line, tokens in 0..89, n a multiple of 16
//                               (n = 16 * window_bars when window_bars > 0)
//
// The three header lines are required, in any order, before the first data line.
#include <filesystem>
#include <string>
#include <vector>

#include "models/music/melody.hpp"

namespace fl::music {

inline constexpr const char* kEncodingHeader = "musicvae-melody-90 min_pitch=21 max_pitch=108";

struct TokenFile {
  int window_bars = 2;
  std::vector<std::string> comments;  // header lines other than the three required ones
  std::vector<std::string> ids;
  std::vector<Tokens> sequences;
};

// Throws InputError("<path>:<line>: <problem>") on any malformed content.
TokenFile read_token_file(const std::filesystem::path& path);
// Parses text already in memory; `origin` names it in errors.
TokenFile parse_token_file(const std::string& text, const std::string& origin);
std::string format_token_file(const TokenFile& file);
void write_token_file(const std::filesystem::path& path, const TokenFile& file);  // atomic

// Windows of `window_bars` bars from a token file: used as they are when the file holds
// windows of that size; cut with a 1-bar hop (after splitting at silent bars, then
// de-duplicated) when it holds whole segments. InputError otherwise.
std::vector<Tokens> load_windows(const TokenFile& file, int window_bars, const std::string& origin);

}  // namespace fl::music
