#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "loanlens/error.h"
#include "loanlens/limits.h"
#include "loanlens/tree/tree.h"

using loanlens::Error;
using loanlens::tree::Node;
using loanlens::tree::Tree;

namespace {

/// A chain: internal node k (id 2k) splits feature k % num_features, a leaf on its left and the
/// next internal node (or the last leaf) on its right. Depth = num_internal.
Tree Chain(int num_internal, int num_features) {
  Tree t;
  t.nodes.resize(2 * num_internal + 1);
  for (std::size_t i = 0; i < t.nodes.size(); ++i) {
    t.nodes[i].value = 0.001 * static_cast<double>(i);
    t.nodes[i].cover = static_cast<double>(t.nodes.size() - i);
  }
  for (int k = 0; k < num_internal; ++k) {
    Node& n = t.nodes[2 * k];
    n.left = 2 * k + 1;
    n.right = 2 * k + 2;
    n.feature = k % num_features;
    n.threshold = 0.01 * k;
    t.nodes[2 * k + 1].cover = 1;
    n.cover = t.nodes[2 * k + 1].cover + t.nodes[2 * k + 2].cover;
  }
  return t;
}

}  // namespace

TEST_CASE("Tree::FromJson refuses indices of 2^32 + k instead of truncating them") {
  const nlohmann::json good = Chain(2, 3).ToJson();
  CHECK(Tree::FromJson(good, "t", 3).nodes.size() == 5);
  SUBCASE("child index") {
    auto j = good;
    j["left_children"][0] = 4294967297ULL;  // 2^32 + 1: once read as 1
    CHECK_THROWS_WITH_AS(Tree::FromJson(j, "t", 3),
                         "t.left_children[0]: expected an integer in [-1, 4], got 4294967297",
                         Error);
  }
  SUBCASE("feature index") {
    auto j = good;
    j["split_feature"][0] = 4294967296ULL;
    CHECK_THROWS_WITH_AS(Tree::FromJson(j, "t", 3),
                         "t.split_feature[0]: expected an integer in [0, 2], got 4294967296",
                         Error);
  }
  SUBCASE("default_left") {
    auto j = good;
    j["default_left"][0] = 4294967297ULL;
    CHECK_THROWS_AS(Tree::FromJson(j, "t", 3), Error);
  }
}

TEST_CASE("Tree::FromJson enforces the depth and node limits") {
  CHECK(Tree::FromJson(Chain(loanlens::kMaxTreeDepth, 3).ToJson(), "t", 3).MaxDepth() ==
        loanlens::kMaxTreeDepth);
  CHECK_THROWS_WITH_AS(Tree::FromJson(Chain(loanlens::kMaxTreeDepth + 1, 3).ToJson(), "t", 3),
                       doctest::Contains("the tree is deeper than 256 levels"), Error);
  // A 5,000-node chain (quadratic to load before): refused at once.
  CHECK_THROWS_AS(Tree::FromJson(Chain(2500, 3).ToJson(), "t", 3), Error);
  nlohmann::json huge = {{"left_children", std::vector<int>(loanlens::kMaxTreeNodes + 1, -1)}};
  CHECK_THROWS_WITH_AS(Tree::FromJson(huge, "t", 3),
                       doctest::Contains("1048577 nodes; a tree has at most 1048576"), Error);
}

TEST_CASE("TreesFromJson bounds the number of trees") {
  nlohmann::json j = {{"trees", nlohmann::json::array()}};
  j["trees"].get_ref<nlohmann::json::array_t&>().resize(loanlens::kMaxTrees + 1);
  CHECK_THROWS_WITH_AS(loanlens::tree::TreesFromJson(j, "model", 3),
                       "model.trees: expected at most 100000 entries, got 100001", Error);
}

TEST_CASE("GroupsFromJson refuses group indices of 2^32 + k") {
  nlohmann::json j = {{"group", {0, 4294967296ULL}}, {"group_names", {"a", "b"}}};
  std::vector<int> group;
  std::vector<std::string> names;
  CHECK_THROWS_WITH_AS(loanlens::tree::GroupsFromJson(j, "model", 2, group, names),
                       doctest::Contains("model.group[1]: expected an integer in [0, 1]"), Error);
}
