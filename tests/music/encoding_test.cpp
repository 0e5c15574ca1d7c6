#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "models/music/abc_reader.hpp"
#include "models/music/features.hpp"
#include "models/music/melody.hpp"
#include "models/music/synthetic.hpp"
#include "models/music/token_file.hpp"

using namespace fl::music;

TEST(MusicEncoding, NotesToTokensFollowsTheRecipe) {
  // C4 quarter, rest, E4 held over step 8..15, chord (G4,B4) on 16 -> B4 wins.
  std::vector<Note> notes = {{0, 4, 60}, {8, 16, 64}, {16, 18, 67}, {16, 20, 71}};
  Tokens t = notes_to_tokens(notes, 32);
  EXPECT_EQ(t[0], 60 - 19);
  EXPECT_EQ(t[4], kNoteOff);
  EXPECT_EQ(t[8], 64 - 19);
  EXPECT_EQ(t[16], 71 - 19);  // the highest note of the two onsets
  EXPECT_EQ(t[18], kNoEvent);  // the dropped G4 leaves no NOTE_OFF
  EXPECT_EQ(t[20], kNoteOff);  // B4 ends at 20
  EXPECT_EQ(t[1], kNoEvent);
  EXPECT_THROW(notes_to_tokens({{0, 1, 20}}, 16), std::invalid_argument);
}

TEST(MusicEncoding, TokensNotesTokensRoundTrip) {
  const auto corpus = make_synthetic_corpus(200, 11);
  for (const Tokens& w : corpus.windows) {
    EXPECT_EQ(canonical(w), w);
    EXPECT_EQ(notes_to_tokens(tokens_to_notes(w), 32), w);
  }
  // Hand-built sequence with rests and repeated notes.
  Tokens t(32, kNoEvent);
  t[0] = 41; t[2] = 41; t[3] = kNoteOff; t[8] = 50; t[31] = 2;
  EXPECT_EQ(canonical(t), t);
  const auto notes = tokens_to_notes(t);
  ASSERT_EQ(notes.size(), 4u);
  EXPECT_EQ(notes[0], (Note{0, 2, 60}));
  EXPECT_EQ(notes[1], (Note{2, 3, 60}));
  EXPECT_EQ(notes[2], (Note{8, 31, 69}));
  EXPECT_EQ(notes[3], (Note{31, 32, 21}));
  // A NOTE_OFF with nothing sounding is not canonical.
  Tokens lead(16, kNoEvent);
  lead[0] = kNoteOff; lead[4] = 40;
  Tokens expect = lead;
  expect[0] = kNoEvent;
  EXPECT_EQ(canonical(lead), expect);
}

TEST(MusicEncoding, TransposeWindowsDedup) {
  Tokens t(32, kNoEvent);
  t[0] = token_of(60); t[16] = token_of(108);
  EXPECT_FALSE(transpose(t, 1).has_value());
  auto down = transpose(t, -5);
  ASSERT_TRUE(down);
  EXPECT_EQ((*down)[0], token_of(55));
  EXPECT_EQ((*down)[16], token_of(103));
  // 4 bars -> 3 two-bar windows with 1-bar hop; an empty bar pair is dropped.
  Tokens seg(64, kNoEvent);
  seg[0] = 40;
  seg[1] = kNoteOff;
  auto w = cut_windows(seg, 2, 1);
  EXPECT_EQ(w.size(), 1u);  // windows starting at bar 1 and 2 hold no onset
  seg[48] = 45;
  w = cut_windows(seg, 2, 1);
  EXPECT_EQ(w.size(), 2u);  // bars 0-1 and 2-3; bars 1-2 hold no onset
  std::vector<Tokens> dup = {w[0], w[1], w[0]};
  EXPECT_EQ(deduplicate(dup).size(), 2u);
  // bars 1 and 2 are silent -> split into two pieces of one bar each
  auto pieces = split_at_silent_bars(seg);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].size(), 16u);
  EXPECT_EQ(pieces[1][0], 45);
}

TEST(MusicTokenFile, WriteReadRoundTrip) {
  TokenFile f;
  f.window_bars = 2;
  f.comments = {"source synthetic"};
  const auto corpus = make_synthetic_corpus(5, 3);
  for (std::size_t i = 0; i < corpus.windows.size(); ++i) {
    f.ids.push_back(std::string("w").append(std::to_string(i)));
    f.sequences.push_back(corpus.windows[i]);
  }
  const auto path = std::filesystem::temp_directory_path() / "fl_music_tokens_test.txt";
  write_token_file(path, f);
  const TokenFile g = read_token_file(path);
  EXPECT_EQ(g.window_bars, 2);
  EXPECT_EQ(g.ids, f.ids);
  EXPECT_EQ(g.sequences, f.sequences);
  EXPECT_EQ(g.comments, f.comments);
  std::filesystem::remove(path);
}

TEST(MusicTokenFile, MalformedFilesNameFileAndLine) {
  const std::string head = "# encoding musicvae-melody-90 min_pitch=21 max_pitch=108\n# steps_per_bar 16\n";
  auto expect_error = [](const std::string& text, const std::string& needle) {
    try {
      parse_token_file(text, "bad.tok");
      FAIL() << "no error for: " << text;
    } catch (const fl::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("bad.tok"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  const std::string row16 = " 2 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0";
  expect_error(head + "# window_bars 1\nx 2 0 0\n", "not a positive multiple of 16");
  expect_error(head + "# window_bars 2\nx" + row16 + "\n", "window_bars 2 needs 32");
  expect_error(head + "# window_bars 1\nx 95 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", "outside 0..89");
  expect_error(head + "# window_bars 1\nx 2 0 0 a 0 0 0 0 0 0 0 0 0 0 0 0\n", "not an integer");
  expect_error("# window_bars 1\nx" + row16 + "\n", "data before the required headers");
  expect_error("# encoding midi-130\n", "unsupported encoding");
  expect_error("", "missing header");
  EXPECT_THROW(read_token_file("/nonexistent/file.tok"), fl::InputError);
  // Whole segments are cut by the loader; other window sizes are refused.
  TokenFile seg = parse_token_file(head + "# window_bars 0\ns" + row16 + row16 + " 3" + row16.substr(2) + "\n", "seg.tok");
  EXPECT_EQ(load_windows(seg, 2, "seg.tok").size(), 2u);
  TokenFile one = parse_token_file(head + "# window_bars 1\ns" + row16 + "\n", "one.tok");
  EXPECT_THROW(load_windows(one, 2, "one.tok"), fl::InputError);
}

TEST(MusicAbc, ParsesTheFolkSubset) {
  const std::string abc =
      "X:7\nT:Test tune\nM:4/4\nL:1/8\nK:G\n"
      "D2 | G2 A2 B2 c2 | d4- d2 z2 | [GBd]2 f2 (3efg a2 | g>f e<d c4 |]\n";
  auto tunes = parse_abc(abc, "t.abc");
  ASSERT_EQ(tunes.size(), 1u);
  const AbcTune& t = tunes[0];
  EXPECT_EQ(t.number, 7);
  EXPECT_EQ(t.title, "Test tune");
  EXPECT_TRUE(is_common_time(t, false));
  ASSERT_EQ(t.measures.size(), 5u);
  EXPECT_EQ(t.measures[0].length, Frac(1));  // pickup
  for (int m = 1; m < 5; ++m) EXPECT_EQ(t.measures[m].length, Frac(4)) << m;
  // Key of G: the f is F#5 = 78. Chord -> highest (d = 74).
  EXPECT_EQ(t.measures[3].notes[0].pitch, 74);
  EXPECT_EQ(t.measures[3].notes[1].pitch, 78);
  // Tie merged: d4-d2 is one note of 3 quarters.
  ASSERT_EQ(t.measures[2].notes.size(), 1u);
  EXPECT_EQ(t.measures[2].notes[0].length, Frac(3));
  // Triplet: three 8ths in the time of two (1/3 quarter each).
  EXPECT_EQ(t.measures[3].notes[2].length, Frac(1, 3));
  EXPECT_EQ(t.measures[3].notes[3].offset, Frac(7, 3));
  // Broken rhythm g>f e<d.
  EXPECT_EQ(t.measures[4].notes[0].length, Frac(3, 4));
  EXPECT_EQ(t.measures[4].notes[1].length, Frac(1, 4));
  EXPECT_EQ(t.measures[4].notes[2].length, Frac(1, 4));
  EXPECT_EQ(t.measures[4].notes[3].length, Frac(3, 4));
  // The pickup ends no segment because it precedes all: one segment of 4 bars.
  auto segs = tune_segments(t);
  ASSERT_EQ(segs.size(), 1u);
  ASSERT_EQ(segs[0].size(), 64u);
  EXPECT_EQ(segs[0][0], token_of(67));  // G4
  EXPECT_EQ(segs[0][16], token_of(74));
  EXPECT_EQ(segs[0][16 + 12], kNoteOff);  // z2 after the tied d
  EXPECT_EQ(segs[0][32 + 8], token_of(76));  // triplet: e at 2 quarters
  EXPECT_EQ(segs[0][32 + 9], token_of(78));  // f# at 7/3 quarters -> round(9.33) = 9
  EXPECT_EQ(segs[0][32 + 11], token_of(79));  // g at 8/3 quarters -> round(10.67) = 11
}

TEST(MusicAbc, AccidentalsLastUntilTheBar) {
  auto tunes = parse_abc("X:1\nM:4/4\nL:1/4\nK:C\n^F F =F F | F4 |\n", "acc.abc");
  const auto& m = tunes.at(0).measures;
  EXPECT_EQ(m[0].notes[0].pitch, 66);
  EXPECT_EQ(m[0].notes[1].pitch, 66);
  EXPECT_EQ(m[0].notes[2].pitch, 65);
  EXPECT_EQ(m[0].notes[3].pitch, 65);
  EXPECT_EQ(m[1].notes[0].pitch, 65);
  auto minor = parse_abc("X:1\nM:C|\nL:1/4\nK:Dm\nB B, c' F |\n", "k.abc");
  EXPECT_TRUE(is_common_time(minor[0], true));
  EXPECT_FALSE(is_common_time(minor[0], false));
  EXPECT_EQ(minor[0].measures[0].notes[0].pitch, 70);  // Bb4
  EXPECT_EQ(minor[0].measures[0].notes[1].pitch, 58);  // Bb3
  EXPECT_EQ(minor[0].measures[0].notes[2].pitch, 84);  // C6
}

TEST(MusicAbc, MalformedInputNamesTheFile) {
  for (const std::string bad : {"X:1\nM:4/4\nK:C\nC D E ? |\n", "X:1\nM:4/4\nK:C\n[CEG |\n",
                                "X:1\nM:4/4\nC D E F |\n", "X:1\nM:4/x\nK:C\nC|\n",
                                "X:1\nL:1/0\nK:C\nC|\n", "X:1\nK:C\nC/0 |\n", "X:1\nK:Q\nC|\n"}) {
    try {
      parse_abc(bad, "broken.abc");
      FAIL() << "accepted: " << bad;
    } catch (const fl::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("broken.abc:"), std::string::npos) << e.what();
    }
  }
}

TEST(MusicSynthetic, DeterministicAndFactorsShowInFeatures) {
  const auto a = make_synthetic_corpus(400, 5), b = make_synthetic_corpus(400, 5);
  EXPECT_EQ(a.windows, b.windows);
  EXPECT_NE(make_synthetic_corpus(10, 6).windows, make_synthetic_corpus(10, 5).windows);
  // Factor -> feature: register ~ first pitch, density ~ note density (Pearson > 0.8).
  auto pearson = [](const std::vector<double>& x, const std::vector<double>& y) {
    double mx = 0, my = 0;
    for (std::size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
    mx /= x.size(); my /= y.size();
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
      sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx), syy += (y[i] - my) * (y[i] - my);
    return sxy / std::sqrt(sxx * syy);
  };
  std::vector<double> reg, first_pitch, dens, density, leap, mean_iv;
  for (std::size_t i = 0; i < a.windows.size(); ++i) {
    const auto f = window_features(a.windows[i]);
    reg.push_back(a.factors[i][0]);
    first_pitch.push_back(pitch_of(a.windows[i][0]));
    dens.push_back(a.factors[i][1]);
    density.push_back(f[5]);
    leap.push_back(a.factors[i][2]);
    mean_iv.push_back(f[10]);
  }
  EXPECT_GT(pearson(reg, first_pitch), 0.99);
  EXPECT_GT(pearson(dens, density), 0.8);
  EXPECT_GT(pearson(leap, mean_iv), 0.6);
}

TEST(MusicFeatures, HandComputedExample) {
  // C4 (4 steps), E4 (4), E4 (8), rest, G4 on step 18 (2 steps), D4 from 20 to the end.
  Tokens t = notes_to_tokens({{0, 4, 60}, {4, 8, 64}, {8, 16, 64}, {18, 20, 67}, {20, 32, 62}}, 32);
  const auto f = window_features(t);
  EXPECT_DOUBLE_EQ(f[0], (60 + 64 + 64 + 67 + 62) / 5.0);
  EXPECT_DOUBLE_EQ(f[1], 7);
  EXPECT_DOUBLE_EQ(f[2], 4);
  EXPECT_DOUBLE_EQ(f[3], 4);
  EXPECT_DOUBLE_EQ(f[4], 64);
  EXPECT_DOUBLE_EQ(f[5], 2.5);
  EXPECT_DOUBLE_EQ(f[6], (4 + 4 + 8 + 2 + 12) / 5.0);
  EXPECT_DOUBLE_EQ(f[8], 0.0);
  EXPECT_DOUBLE_EQ(f[9], 1.0 / 5);  // onset at 18
  EXPECT_DOUBLE_EQ(f[10], (4 + 0 + 3 + 5) / 4.0);
  EXPECT_DOUBLE_EQ(f[11], 0.0);
  EXPECT_DOUBLE_EQ(f[12], 0.25);
  EXPECT_DOUBLE_EQ(f[13], 1);  // up, (repeat), up, down
  EXPECT_DOUBLE_EQ(f[14], 1.0);
}
