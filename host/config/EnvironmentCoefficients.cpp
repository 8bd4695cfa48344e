#include "host/config/EnvironmentCoefficients.hpp"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace coatkmc::config {

namespace {

using nlohmann::json;

// A key as a JSON pointer reference token (RFC 6901): ~ and / escaped.
std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void bad(const std::string& where, const std::string& what) const {
    throw EnvironmentError("environment.coefficients",
                           path_ + " " + (where.empty() ? "/" : where) + ": " + what);
  }

  void only_keys(const json& j, const std::string& where, const std::set<std::string>& known) {
    if (!j.is_object()) bad(where, "expected an object");
    for (auto it = j.begin(); it != j.end(); ++it)
      if (!known.count(it.key())) {
        std::string list;
        for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
        bad(where + "/" + pointer_token(it.key()), "unknown key (expected " + list + ")");
      }
  }

  const json& need(const json& j, const std::string& where, const std::string& key) {
    if (!j.contains(key)) bad(where, "missing \"" + key + "\"");
    return j.at(key);
  }

  double number(const json& j, const std::string& where, double lo, double hi) {
    if (!j.is_number()) bad(where, "expected a number (eV)");
    const double x = j.get<double>();
    if (!std::isfinite(x) || x < lo || x > hi) {
      std::ostringstream o;
      o << "value " << x << " out of range (must be >= " << lo << " and <= " << hi << ")";
      bad(where, o.str());
    }
    return x;
  }

  Vec3 point(const json& j, const std::string& where) {
    if (!j.is_array() || j.size() != 3)
      bad(where, "expected fractional coordinates [x, y, z]");
    double x[3];
    for (int i = 0; i < 3; ++i) x[i] = number(j[i], where + "/" + std::to_string(i), -1e3, 1e3);
    return {x[0], x[1], x[2]};
  }

  FractionalSites points(const json& j, const std::string& where) {
    if (!j.is_array() || j.empty()) bad(where, "expected a non-empty array of [x, y, z]");
    FractionalSites out;
    for (size_t i = 0; i < j.size(); ++i) out.push_back(point(j[i], where + "/" + std::to_string(i)));
    return out;
  }

  std::vector<std::string> names(const json& j, const std::string& where) {
    if (!j.is_array() || j.empty()) bad(where, "expected a non-empty array of species names");
    std::vector<std::string> out;
    for (size_t i = 0; i < j.size(); ++i) {
      if (!j[i].is_string()) bad(where + "/" + std::to_string(i), "expected a species name");
      out.push_back(j[i].get<std::string>());
    }
    return out;
  }

  void hop(const json& j, const std::string& where, Vec3& from, Vec3& to) {
    const json& h = need(j, where, "hop");
    if (!h.is_array() || h.size() != 2)
      bad(where + "/hop", "expected the hop's two ends [[x, y, z], [x, y, z]]");
    from = point(h[0], where + "/hop/0");
    to = point(h[1], where + "/hop/1");
  }

  ClusterCoefficient cluster(const json& j, const std::string& where, bool kra) {
    ClusterCoefficient c;
    c.where = where;
    // A generated orbit by its id (EnvironmentOrbits.hpp), or the cluster itself.
    if (j.is_object() && j.contains("orbit")) {
      if (j.contains("hop") || j.contains("sites"))
        bad(where, "give either \"orbit\" (a generated orbit's id) or the cluster's " +
                       std::string(kra ? "\"hop\" and " : "") + "\"sites\", not both");
      only_keys(j, where, {"orbit", "species", "eci_eV"});
      const json& id = j.at("orbit");
      if (!id.is_string() || id.get<std::string>().empty())
        bad(where + "/orbit", "expected an orbit id such as \"" +
                                  std::string(kra ? "kra.h0.pair0" : "site.pair0") + "\"");
      c.orbit = id.get<std::string>();
    } else {
      only_keys(j, where, kra ? std::set<std::string>{"hop", "sites", "species", "eci_eV"}
                              : std::set<std::string>{"sites", "species", "eci_eV"});
      if (kra) hop(j, where, c.hop_from, c.hop_to);
      c.sites = points(need(j, where, "sites"), where + "/sites");
    }
    c.species = names(need(j, where, "species"), where + "/species");
    c.eci_eV = number(need(j, where, "eci_eV"), where + "/eci_eV", -100, 100);
    return c;
  }

  NebTable neb(const json& j, const std::string& where) {
    only_keys(j, where, {"hop", "positions", "default_eV", "patterns"});
    NebTable t;
    t.where = where;
    hop(j, where, t.hop_from, t.hop_to);
    t.positions = points(need(j, where, "positions"), where + "/positions");
    t.default_eV = number(need(j, where, "default_eV"), where + "/default_eV", -100, 100);
    const json& ps = need(j, where, "patterns");
    if (!ps.is_array()) bad(where + "/patterns", "expected an array of patterns");
    for (size_t i = 0; i < ps.size(); ++i) {
      const std::string w = where + "/patterns/" + std::to_string(i);
      only_keys(ps[i], w, {"occupation", "barrier_eV"});
      NebPattern p;
      p.where = w;
      p.occupation = names(need(ps[i], w, "occupation"), w + "/occupation");
      p.barrier_eV = number(need(ps[i], w, "barrier_eV"), w + "/barrier_eV", -100, 100);
      t.patterns.push_back(std::move(p));
    }
    return t;
  }

  EnvironmentCoefficients read() {
    std::ifstream in(path_, std::ios::binary);
    if (!in) throw EnvironmentError("environment.coefficients", path_ + ": cannot open the file");
    std::stringstream text;
    text << in.rdbuf();
    json root;
    try {
      root = json::parse(text.str());
    } catch (const json::parse_error& e) {
      throw EnvironmentError("environment.coefficients",
                             path_ + " byte " + std::to_string(e.byte) + ": not valid JSON");
    }
    only_keys(root, "", {"kra", "site", "neb", "require_every_orbit"});
    EnvironmentCoefficients out;
    out.path = path_;
    if (root.contains("require_every_orbit")) {
      if (!root.at("require_every_orbit").is_boolean())
        bad("/require_every_orbit", "expected true or false");
      out.require_every_orbit = root.at("require_every_orbit").get<bool>();
    }
    for (const char* part : {"kra", "site", "neb"}) {
      if (!root.contains(part)) continue;
      const json& list = root.at(part);
      const std::string w = std::string("/") + part;
      if (!list.is_array()) bad(w, "expected an array");
      for (size_t i = 0; i < list.size(); ++i) {
        const std::string wi = w + "/" + std::to_string(i);
        if (std::string(part) == "kra") out.kra.push_back(cluster(list[i], wi, true));
        else if (std::string(part) == "site") out.site.push_back(cluster(list[i], wi, false));
        else out.neb.push_back(neb(list[i], wi));
      }
    }
    return out;
  }

 private:
  std::string path_;
};

}  // namespace

EnvironmentCoefficients read_environment_coefficients(const std::string& path) {
  return Reader(path).read();
}

}  // namespace coatkmc::config
