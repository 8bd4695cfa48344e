#pragma once
#include <string>

namespace coatkmc {

// The first of $COATKMC_PYTHON, /usr/bin/python3 and python3 (on PATH) that
// imports matplotlib, or "" when none does. The macro and anneal studies plot
// with it; without one their plots are skipped, and said so.
std::string python_with_matplotlib();

// `s` quoted for /bin/sh (single quotes, embedded ones escaped).
std::string shell_quote(const std::string& s);

// scripts/NAME as shipped with the sources, or an installed copy beside the
// binary; "" when neither is there.
std::string shipped_script(const std::string& name);

}  // namespace coatkmc
