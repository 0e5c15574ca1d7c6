// The C++ ABC path against the music21 path (tools/extract_melodies.py) on Essen tunes:
// identical token segments. Skipped when python3 with music21 is not available. Slow (the
// music21 parse takes about a minute), hence a slow_ test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <map>

#include "models/music/abc_reader.hpp"
#include "models/music/token_file.hpp"

using namespace fl::music;
namespace fs = std::filesystem;

namespace {
std::string run_and_read(const std::string& cmd, const fs::path& out) {
  if (std::system(cmd.c_str()) != 0) return "";
  std::ifstream in(out);
  std::string s;
  std::getline(in, s);
  return s;
}
}  // namespace

TEST(MusicMusic21Path, AbcReaderMatchesMusic21OnEssenTunes) {
  const fs::path tmp = fs::temp_directory_path() / "fl_music21_path";
  fs::create_directories(tmp);
  const std::string corpus_dir = run_and_read(
      "python3 -c \"import music21, os; print(os.path.join(os.path.dirname(music21.__file__), 'corpus', "
      "'essenFolksong'))\" > " + (tmp / "dir.txt").string() + " 2>/dev/null",
      tmp / "dir.txt");
  if (corpus_dir.empty() || !fs::exists(corpus_dir)) GTEST_SKIP() << "python3 with music21 is not available";
  for (const std::string name : {"altdeu10.abc", "altdeu20.abc"}) {
    const fs::path abc = fs::path(corpus_dir) / name, tok = tmp / (name + ".tok");
    const std::string cmd = "python3 " FL_SOURCE_DIR "/tools/extract_melodies.py --abc " + abc.string() +
                            " --out " + tok.string() + " > /dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    const TokenFile py = read_token_file(tok);
    ASSERT_EQ(py.window_bars, 0);
    // C++ path: same tunes, same segments, same ids "<file>#<X>@<segment>".
    std::map<std::string, Tokens> cpp;
    int kept = 0;
    for (const AbcTune& tune : read_abc_file(abc, AbcDialect::music21)) {
      if (!is_common_time(tune, false)) continue;
      ++kept;
      const auto segs = tune_segments(tune);
      for (std::size_t s = 0; s < segs.size(); ++s)
        cpp[name + "#" + std::to_string(tune.number) + "@" + std::to_string(s)] = segs[s];
    }
    EXPECT_GT(kept, 10) << name;
    std::size_t matched = 0;
    for (std::size_t i = 0; i < py.ids.size(); ++i) {
      const auto it = cpp.find(py.ids[i]);
      if (it == cpp.end()) {
        ADD_FAILURE() << "music21 segment " << py.ids[i] << " missing on the C++ path";
        continue;
      }
      if (it->second != py.sequences[i]) {
        std::size_t k = 0;
        while (k < it->second.size() && k < py.sequences[i].size() && it->second[k] == py.sequences[i][k]) ++k;
        ADD_FAILURE() << py.ids[i] << ": C++ " << it->second.size() << " tokens, music21 " << py.sequences[i].size()
                      << ", first difference at step " << k << " (bar " << k / 16 << ")";
      }
      matched += it->second == py.sequences[i];
    }
    for (const auto& [id, seq] : cpp)
      if (std::find(py.ids.begin(), py.ids.end(), id) == py.ids.end()) ADD_FAILURE() << id << " only on the C++ path";
    // For the record: how many segments the standard ABC reading (accidentals held to the
    // bar line, written bars) shares with music21.
    std::size_t standard_same = 0;
    for (const AbcTune& tune : read_abc_file(abc, AbcDialect::standard)) {
      if (!is_common_time(tune, false)) continue;
      const auto segs = tune_segments(tune);
      for (std::size_t s = 0; s < segs.size(); ++s) {
        const auto it = std::find(py.ids.begin(), py.ids.end(), name + "#" + std::to_string(tune.number) + "@" + std::to_string(s));
        standard_same += it != py.ids.end() && py.sequences[it - py.ids.begin()] == segs[s];
      }
    }
    std::printf("%s: %zu of %zu music21 segments identical on the C++ path (music21 dialect); %zu with the standard reading\n",
                name.c_str(), matched, py.ids.size(), standard_same);
  }
}
