#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/config.hpp"
#include "core/error.hpp"

namespace {

const char* kDefaults = R"(
seed = 7
replicas = 100
name = "quick"
[train]
epochs = 1000
learning_rate = 1e-5
widths = [25, 20]
scales = [0.5, 1.5]
[closure]
level = 1
)";

TEST(Config, ParsesAndReadsTypedValues) {
  auto c = fl::Config::parse(kDefaults, "defaults");
  EXPECT_EQ(c.get_int("replicas"), 100);
  EXPECT_DOUBLE_EQ(c.get_double("train.learning_rate"), 1e-5);
  EXPECT_DOUBLE_EQ(c.get_double("train.epochs"), 1000.0);  // integers read as numbers
  EXPECT_EQ(c.get_int_list("train.widths"), (std::vector<std::int64_t>{25, 20}));
  EXPECT_EQ(c.get_string("name"), "quick");
  EXPECT_EQ(c.get_as_string("closure.level"), "1");
  EXPECT_TRUE(c.has("train.epochs"));
  EXPECT_FALSE(c.has("train.nope"));
}

TEST(Config, SetOverridesWithTomlValues) {
  auto c = fl::Config::parse(kDefaults, "defaults");
  c.set("train.epochs=50");
  c.set("train.widths=[100, 100]");
  c.set("train.learning_rate = 3");  // an integer may replace a float and becomes a float
  c.set("name=paper");                // bare word taken as a string
  c.set("train.scales=[1, 2.5]");     // integers in a float list become floats
  EXPECT_EQ(c.get_int("train.epochs"), 50);
  EXPECT_EQ(c.get_int_list("train.widths"), (std::vector<std::int64_t>{100, 100}));
  EXPECT_DOUBLE_EQ(c.get_double("train.learning_rate"), 3.0);
  EXPECT_EQ(c.get_string("name"), "paper");
  EXPECT_EQ(c.get_double_list("train.scales"), (std::vector<double>{1.0, 2.5}));
}

TEST(Config, ClosureLevelAcceptsIntegerOrStringOnlyWhenDefaultsAllow) {
  auto c = fl::Config::parse(kDefaults, "defaults");
  // The default is an integer: a string is a type error.
  EXPECT_THROW(c.set("closure.level=\"real\""), fl::InputError);
}

TEST(Config, StringDefaultAcceptsIntegersAsText) {
  auto c = fl::Config::parse("[closure]\nlevel = \"1\"\n", "defaults");
  c.set("closure.level=2");
  EXPECT_EQ(c.get_string("closure.level"), "2");
  c.set("closure.level=real");
  EXPECT_EQ(c.get_string("closure.level"), "real");
  c.overlay(fl::Config::parse("[closure]\nlevel = 0\n", "file.toml"), "file.toml");
  EXPECT_EQ(c.get_string("closure.level"), "0");
  EXPECT_THROW(c.set("closure.level=1.5"), fl::InputError);
}

TEST(Config, RejectsUnknownKeysAndWrongTypes) {
  auto c = fl::Config::parse(kDefaults, "defaults");
  EXPECT_THROW(c.set("train.epoch=5"), fl::InputError);        // typo
  EXPECT_THROW(c.set("train.epochs=1.5"), fl::InputError);     // float for integer
  EXPECT_THROW(c.set("train.epochs=\"many\""), fl::InputError);
  EXPECT_THROW(c.set("train=3"), fl::InputError);              // table replaced by a value
  EXPECT_THROW(c.set("noequals"), fl::InputError);
  EXPECT_THROW(c.set("=3"), fl::InputError);
  EXPECT_THROW(c.set("a..b=3"), fl::InputError);
  EXPECT_THROW(c.set("train.widths=[1,"), fl::InputError);
  EXPECT_THROW(c.get_int("name"), fl::InputError);
  EXPECT_THROW(c.get_int("missing.key"), fl::InputError);
  EXPECT_THROW(c.get_int_list("train.scales"), fl::InputError);
}

TEST(Config, MalformedTomlNamesTheOriginAndLine) {
  try {
    fl::Config::parse("a = 1\nb = [1, 2\n", "bad.toml");
    FAIL() << "no error";
  } catch (const fl::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.toml:"), std::string::npos) << e.what();
  }
}

TEST(Config, OverlayAppliesAFileAndTheResultRoundTrips) {
  auto c = fl::Config::parse(kDefaults, "defaults");
  auto file = fl::Config::parse("replicas = 3\n[train]\nepochs = 9\n", "file.toml");
  c.overlay(file, "file.toml");
  EXPECT_EQ(c.get_int("replicas"), 3);
  EXPECT_EQ(c.get_int("train.epochs"), 9);
  auto again = fl::Config::parse(c.to_toml(), "roundtrip");
  EXPECT_EQ(again.to_toml(), c.to_toml());
  EXPECT_EQ(again.keys(), c.keys());
  auto bad = fl::Config::parse("[train]\nepochz = 9\n", "file.toml");
  EXPECT_THROW(c.overlay(bad, "file.toml"), fl::InputError);
}

TEST(Config, SerialisesFloatsShortestAndEverythingRoundTrips) {
  const char* doc =
      "temperatures = [1.8, 1.9, 2.269185314213022, 1e-300, -0.0, 3.0]\n"
      "eta = 1e-5\nn = 7\nflag = true\nname = 'say \"hi\" \\\\ there'\n"
      "\"odd key\" = 0.1\nnested = [[1, 2], [0.5]]\n"
      "[a]\nx = 2.5\n[a.b]\ny = 'z'\n";
  auto c = fl::Config::parse(doc, "doc");
  const std::string text = c.to_toml();
  EXPECT_NE(text.find("temperatures = [ 1.8, 1.9, 2.269185314213022, 1e-300, -0.0, 3.0 ]"),
            std::string::npos) << text;
  EXPECT_NE(text.find("eta = 1e-05"), std::string::npos) << text;
  EXPECT_NE(text.find("[a.b]"), std::string::npos) << text;
  auto again = fl::Config::parse(text, "roundtrip");
  EXPECT_EQ(again.keys(), c.keys());
  EXPECT_EQ(again.get_double_list("temperatures"), c.get_double_list("temperatures"));
  EXPECT_EQ(again.get_double("eta"), 1e-5);
  EXPECT_EQ(again.get_string("name"), c.get_string("name"));
  EXPECT_EQ(again.get_double("a.x"), 2.5);
  EXPECT_EQ(again.get_string("a.b.y"), "z");
  EXPECT_EQ(again.to_toml(), text);
}

TEST(Config, LoadReportsMissingFile) {
  EXPECT_THROW(fl::Config::load("/nonexistent/dir/x.toml"), fl::InputError);
}

}  // namespace
