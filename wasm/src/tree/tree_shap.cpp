#include "loanlens/tree/tree_shap.h"

#include <algorithm>
#include <cmath>

#include "loanlens/error.h"

namespace loanlens::tree {
namespace {

/// Fraction of the parent's cover that went to `child` (0.5 when the parent has no cover).
double CoverRatio(const Node& parent, const Node& child) {
  return parent.cover > 0 ? child.cover / parent.cover : 0.5;
}

/// The root-to-leaf path of one leaf, with its distinct features.
struct LeafPath {
  int leaf = 0;
  std::vector<int> edge_node;         ///< internal node of each edge
  std::vector<bool> edge_left;        ///< the path goes left there
  std::vector<int> edge_unique;       ///< index into features
  std::vector<int> features;          ///< distinct features in first-seen order
  std::vector<double> zero_fraction;  ///< z_j: product of the cover ratios of feature j's edges
};

/// Calls visit(path) for every leaf of `tree`, left subtrees first. One path is kept and edited
/// as the walk goes down and up (an explicit stack, no recursion), so the walk costs O(nodes)
/// time and O(depth) memory however deep the tree is; `path` is valid during the call only.
template <class Visit>
void ForEachLeafPath(const Tree& tree, Visit&& visit) {
  int max_feature = -1;
  for (const Node& n : tree.nodes) max_feature = std::max(max_feature, n.feature);
  std::vector<int> slot(static_cast<std::size_t>(max_feature + 1), -1);  // feature -> index
  std::vector<double> saved_zero;  ///< per edge: its feature's z before the edge
  std::vector<bool> introduced;    ///< per edge: the edge added its feature to the path
  LeafPath path;
  auto push_edge = [&](int node, bool left, double ratio) {
    const int feature = tree.nodes[node].feature;
    int u = slot[feature];
    introduced.push_back(u < 0);
    if (u < 0) {
      u = slot[feature] = static_cast<int>(path.features.size());
      path.features.push_back(feature);
      path.zero_fraction.push_back(1.0);
    }
    saved_zero.push_back(path.zero_fraction[u]);
    path.zero_fraction[u] *= ratio;
    path.edge_node.push_back(node);
    path.edge_left.push_back(left);
    path.edge_unique.push_back(u);
  };
  auto pop_edge = [&]() {
    const int u = path.edge_unique.back();
    path.zero_fraction[u] = saved_zero.back();
    if (introduced.back()) {  // the feature was added last, so it is the last one
      slot[path.features.back()] = -1;
      path.features.pop_back();
      path.zero_fraction.pop_back();
    }
    saved_zero.pop_back();
    introduced.pop_back();
    path.edge_node.pop_back();
    path.edge_left.pop_back();
    path.edge_unique.pop_back();
  };
  struct Frame {
    int node;
    int next_side;  ///< 0: go left next, 1: go right next, 2: done
  };
  std::vector<Frame> stack{{0, 0}};
  while (!stack.empty()) {
    Frame& f = stack.back();
    const Node& n = tree.nodes[f.node];
    if (n.IsLeaf() || f.next_side == 2) {
      if (n.IsLeaf()) {
        path.leaf = f.node;
        visit(static_cast<const LeafPath&>(path));
      }
      stack.pop_back();
      if (!stack.empty()) pop_edge();  // the edge into the finished node
      continue;
    }
    const bool left = f.next_side++ == 0;
    const int parent = f.node, child = left ? n.left : n.right;
    push_edge(parent, left, CoverRatio(n, tree.nodes[child]));
    stack.push_back({child, 0});  // f is not used after this
  }
}

/// Bit mask of the distinct features whose edges x all follows (o_j = 1).
std::vector<bool> SatisfiedFeatures(const Tree& tree, const LeafPath& p, const double* x,
                                    bool float32) {
  std::vector<bool> sat(p.features.size(), true);
  for (std::size_t e = 0; e < p.edge_node.size(); ++e)
    if (GoesLeft(tree.nodes[p.edge_node[e]], x, float32) != p.edge_left[e])
      sat[p.edge_unique[e]] = false;
  return sat;
}

/// Elementary symmetric polynomials e_0..e_n of the values z[k] for k in `members`.
void ElementarySymmetric(const std::vector<double>& z, const std::vector<int>& members,
                         std::vector<double>& e) {
  e.assign(members.size() + 1, 0.0);
  e[0] = 1;
  for (std::size_t m = 0; m < members.size(); ++m)
    for (std::size_t k = m + 1; k >= 1; --k) e[k] += z[members[m]] * e[k - 1];
}

double Factorial(int n) {
  double f = 1;
  for (int k = 2; k <= n; ++k) f *= k;
  return f;
}

// ---- Algorithm 2 (arXiv:1802.03888) ------------------------------------------------------

struct PathElement {
  int feature;
  double zero_fraction;
  double one_fraction;
  double weight;
};

/// EXTEND: grow the path by one feature with the given fractions.
void Extend(PathElement* m, int l, double zero, double one, int feature) {
  m[l] = {feature, zero, one, l == 0 ? 1.0 : 0.0};
  for (int i = l - 1; i >= 0; --i) {
    m[i + 1].weight += one * m[i].weight * (i + 1) / (l + 1);
    m[i].weight = zero * m[i].weight * (l - i) / (l + 1);
  }
}

/// UNWIND: undo the extension by element i (its weights and its slot).
void Unwind(PathElement* m, int l, int i) {
  const double one = m[i].one_fraction, zero = m[i].zero_fraction;
  double next = m[l].weight;
  for (int j = l - 1; j >= 0; --j) {
    if (one != 0) {
      const double t = m[j].weight;
      m[j].weight = next * (l + 1) / ((j + 1) * one);
      next = t - m[j].weight * zero * (l - j) / (l + 1);
    } else {
      m[j].weight = m[j].weight * (l + 1) / (zero * (l - j));
    }
  }
  for (int j = i; j < l; ++j) {
    m[j].feature = m[j + 1].feature;
    m[j].zero_fraction = m[j + 1].zero_fraction;
    m[j].one_fraction = m[j + 1].one_fraction;
  }
}

/// Total weight the path would have after unwinding element i (without changing it).
double UnwoundSum(const PathElement* m, int l, int i) {
  const double one = m[i].one_fraction, zero = m[i].zero_fraction;
  double next = m[l].weight, total = 0;
  for (int j = l - 1; j >= 0; --j) {
    if (one != 0) {
      const double t = next * (l + 1) / ((j + 1) * one);
      total += t;
      next = m[j].weight - t * zero * (l - j) / (l + 1);
    } else {
      total += m[j].weight * (l + 1) / (zero * (l - j));
    }
  }
  return total;
}

struct RecurseContext {
  const Tree* tree;
  const double* x;
  bool float32;
  double* phi;
};

void Recurse(const RecurseContext& c, int j, PathElement* parent, int l, double zero, double one,
             int feature) {
  // The new path segment sits right after the parent's (l elements).
  PathElement* m = parent + l;
  std::copy(parent, parent + l, m);
  Extend(m, l, zero, one, feature);
  const Node& n = c.tree->nodes[j];
  if (n.IsLeaf()) {
    // Leaf: each feature on the path gets its unwound weight times (one - zero) times value.
    for (int i = 1; i <= l; ++i) {
      const double w = UnwoundSum(m, l, i);
      c.phi[m[i].feature] += w * (m[i].one_fraction - m[i].zero_fraction) * n.value;
    }
    return;
  }
  // Find which branch is hot (x follows it) and which is cold.
  const bool left = GoesLeft(n, c.x, c.float32);
  const int hot = left ? n.left : n.right;
  const int cold = left ? n.right : n.left;
  // A feature already on the path: undo it and carry its fractions forward.
  double incoming_zero = 1, incoming_one = 1;
  for (int k = 1; k <= l; ++k) {
    if (m[k].feature == n.feature) {
      incoming_zero = m[k].zero_fraction;
      incoming_one = m[k].one_fraction;
      Unwind(m, l, k);
      --l;
      break;
    }
  }
  const double hot_zero = incoming_zero * CoverRatio(n, c.tree->nodes[hot]);
  const double cold_zero = incoming_zero * CoverRatio(n, c.tree->nodes[cold]);
  if (hot_zero != 0 || incoming_one != 0)
    Recurse(c, hot, m, l + 1, hot_zero, incoming_one, n.feature);
  if (cold_zero != 0) Recurse(c, cold, m, l + 1, cold_zero, 0, n.feature);
}

constexpr int kMaxTableUnique = 10;               // 2^10 x 10 entries per leaf at most
constexpr std::uint64_t kTableBudget = 1u << 22;  // doubles (32 MB) for the whole ensemble
constexpr std::uint64_t kEdgeBudget = 1u << 22;   // leaf-path edges (32 MB) for the ensemble

struct TableScratch {
  std::vector<double> elem, h, zc;
};

/// Appends one leaf's table: for each of the 2^d patterns M of followed features (d = z.size()),
/// the d contributions phi_u = value (o_u - z_u) H(M\u) Zc(M+u).
void AppendLeafTable(double value, const std::vector<double>& z, TableScratch& s,
                     std::vector<double>& table) {
  const int d = static_cast<int>(z.size());
  if (d == 0) return;
  const unsigned full = (1u << d) - 1u;
  // Shapley weights |S|! (d-|S|-1)! / d!.
  std::vector<double> w(d);
  for (int k = 0; k < d; ++k) w[k] = Factorial(k) * Factorial(d - k - 1) / Factorial(d);
  // e_k(z_T) for every subset T, built by adding T's highest member to T without it.
  const std::size_t stride = d + 1;
  s.elem.assign((full + 1) * stride, 0.0);
  s.elem[0] = 1;
  s.h.assign(full + 1, 0.0);
  s.h[0] = w[0];
  for (unsigned t = 1; t <= full; ++t) {
    int b = 31 - __builtin_clz(t);
    const double* prev = &s.elem[(t ^ (1u << b)) * stride];
    double* cur = &s.elem[t * stride];
    cur[0] = prev[0];
    for (int k = 1; k <= d; ++k) cur[k] = prev[k] + z[b] * prev[k - 1];
    // H(T) = sum over S subset of T of w(|S|) prod_{j in T\S} z_j.
    const int size = __builtin_popcount(t);
    if (size < d)
      for (int k = 0; k <= size; ++k) s.h[t] += w[k] * cur[size - k];
  }
  // Zc(X) = prod_{j not in X} z_j.
  s.zc.assign(full + 1, 1.0);
  for (int t = static_cast<int>(full) - 1; t >= 0; --t) {
    int b = __builtin_ctz(~static_cast<unsigned>(t));
    s.zc[t] = z[b] * s.zc[t | (1u << b)];
  }
  for (unsigned mask = 0; mask <= full; ++mask)
    for (int u = 0; u < d; ++u) {
      const unsigned bit = 1u << u;
      const double o = (mask & bit) ? 1.0 : 0.0;
      table.push_back(value * (o - z[u]) * s.h[mask & ~bit] * s.zc[mask | bit]);
    }
}

}  // namespace

double ExpectedValue(const Tree& tree) {
  std::vector<double> reach(tree.nodes.size(), 0.0);
  reach[0] = 1;
  double total = 0;
  for (std::size_t i = 0; i < tree.nodes.size(); ++i) {  // children follow their parent
    const Node& n = tree.nodes[i];
    if (n.IsLeaf()) {
      total += reach[i] * n.value;
    } else {
      reach[n.left] = reach[i] * CoverRatio(n, tree.nodes[n.left]);
      reach[n.right] = reach[i] * CoverRatio(n, tree.nodes[n.right]);
    }
  }
  return total;
}

void TreeShapRecursive(const Tree& tree, const double* x, bool float32, double* phi) {
  const int depth = tree.MaxDepth();
  thread_local std::vector<PathElement> buffer;
  const std::size_t need = static_cast<std::size_t>(depth + 2) * (depth + 3) / 2;
  if (buffer.size() < need) buffer.resize(need);
  RecurseContext c{&tree, x, float32, phi};
  Recurse(c, 0, buffer.data(), 0, 1, 1, -1);
}

double ShapInteractions(const std::vector<Tree>& trees, std::size_t num_inputs, const double* x,
                        bool float32, double* out) {
  const std::size_t m = num_inputs;
  std::fill(out, out + m * m, 0.0);
  std::vector<double> phi(m, 0.0), e;
  std::vector<int> members;
  double base = 0;
  for (const Tree& tree : trees) {
    base += ExpectedValue(tree);
    TreeShapRecursive(tree, x, float32, phi.data());
    ForEachLeafPath(tree, [&](const LeafPath& p) {
      const int d = static_cast<int>(p.features.size());
      if (d < 2) return;
      const double value = tree.nodes[p.leaf].value;
      const std::vector<bool> sat = SatisfiedFeatures(tree, p, x, float32);
      // Shapley interaction weights |S|! (d-|S|-2)! / (2 (d-1)!).
      std::vector<double> w2(d - 1);
      for (int s = 0; s <= d - 2; ++s)
        w2[s] = Factorial(s) * Factorial(d - s - 2) / (2 * Factorial(d - 1));
      for (int i = 0; i < d; ++i) {
        for (int j = 0; j < d; ++j) {
          if (i == j) continue;
          // Only coalitions of satisfied features contribute; the others carry their z.
          members.clear();
          double rest = 1;
          for (int k = 0; k < d; ++k) {
            if (k == i || k == j) continue;
            if (sat[k])
              members.push_back(k);
            else
              rest *= p.zero_fraction[k];
          }
          ElementarySymmetric(p.zero_fraction, members, e);
          const int t = static_cast<int>(members.size());
          double sum = 0;
          for (int s = 0; s <= t; ++s) sum += w2[s] * e[t - s];
          const double oi = sat[i] ? 1.0 : 0.0, oj = sat[j] ? 1.0 : 0.0;
          out[p.features[i] * m + p.features[j]] +=
              value * (oi - p.zero_fraction[i]) * (oj - p.zero_fraction[j]) * rest * sum;
        }
      }
    });
  }
  // Main effects: what is left of phi_i after its interactions.
  for (std::size_t i = 0; i < m; ++i) {
    double off = 0;
    for (std::size_t j = 0; j < m; ++j)
      if (j != i) off += out[i * m + j];
    out[i * m + i] = phi[i] - off;
  }
  return base;
}

TreeShapExplainer::TreeShapExplainer(const std::vector<Tree>* trees, std::size_t num_inputs,
                                     bool float32)
    : trees_(trees), num_inputs_(num_inputs), float32_(float32) {
  std::uint64_t table_budget = kTableBudget, edge_budget = kEdgeBudget;
  TableScratch scratch;
  for (const Tree& tree : *trees_) {
    expected_value_ += tree::ExpectedValue(tree);
    TreeInfo info;
    info.leaf_begin = info.leaf_end = static_cast<std::uint32_t>(leaves_.size());
    // First walk: the tables' size, without building anything (O(nodes), however deep).
    std::uint64_t need = 0, edges = 0;
    bool small = true;
    ForEachLeafPath(tree, [&](const LeafPath& p) {
      const int d = static_cast<int>(p.features.size());
      small = small && d <= kMaxTableUnique;
      if (small) need += (std::uint64_t{1} << d) * d;
      edges += p.edge_node.size();
    });
    if (!small || need > table_budget || edges > edge_budget) {
      info_.push_back(info);  // Algorithm 2 for this tree
      continue;
    }
    table_budget -= need;
    edge_budget -= edges;
    info.fast = true;
    ForEachLeafPath(tree, [&](const LeafPath& p) {
      LeafTable leaf;
      leaf.edge_begin = static_cast<std::uint32_t>(edges_.size());
      for (std::size_t e = 0; e < p.edge_node.size(); ++e)
        edges_.push_back({p.edge_node[e], static_cast<std::uint8_t>(p.edge_unique[e]),
                          static_cast<std::uint8_t>(p.edge_left[e] ? 1 : 0)});
      leaf.edge_end = static_cast<std::uint32_t>(edges_.size());
      leaf.feature_begin = static_cast<std::uint32_t>(features_.size());
      features_.insert(features_.end(), p.features.begin(), p.features.end());
      leaf.num_unique = static_cast<std::uint32_t>(p.features.size());
      leaf.table = table_.size();
      leaves_.push_back(leaf);
      AppendLeafTable(tree.nodes[p.leaf].value, p.zero_fraction, scratch, table_);
    });
    info.leaf_end = static_cast<std::uint32_t>(leaves_.size());
    info_.push_back(info);
  }
}

double TreeShapExplainer::Explain(const double* x, double* phi) const {
  std::fill(phi, phi + num_inputs_, 0.0);
  thread_local std::vector<std::uint8_t> goes_left;
  for (std::size_t t = 0; t < trees_->size(); ++t) {
    const Tree& tree = (*trees_)[t];
    const TreeInfo& info = info_[t];
    if (!info.fast) {
      TreeShapRecursive(tree, x, float32_, phi);
      continue;
    }
    // Decide every split once, then read each leaf's pattern of followed features.
    const std::size_t n = tree.nodes.size();
    if (goes_left.size() < n) goes_left.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const Node& node = tree.nodes[i];
      if (!node.IsLeaf()) goes_left[i] = GoesLeft(node, x, float32_) ? 1 : 0;
    }
    for (std::uint32_t l = info.leaf_begin; l < info.leaf_end; ++l) {
      const LeafTable& leaf = leaves_[l];
      const unsigned d = leaf.num_unique;
      if (d == 0) continue;
      unsigned mask = (1u << d) - 1u;
      for (std::uint32_t e = leaf.edge_begin; e < leaf.edge_end; ++e) {
        const Edge& edge = edges_[e];
        if (goes_left[edge.node] != edge.want_left) mask &= ~(1u << edge.unique);
      }
      const double* row = &table_[leaf.table + static_cast<std::uint64_t>(mask) * d];
      const std::int32_t* feature = &features_[leaf.feature_begin];
      for (unsigned u = 0; u < d; ++u) phi[feature[u]] += row[u];
    }
  }
  return expected_value_;
}

}  // namespace loanlens::tree
