# Sourced by test_mpi_sweep.sh and test_slurm_sweep.sh (needs $SRC, the source
# tree): write_relative_file_config DIR puts into DIR a small configuration,
# DIR/c.toml, that names its structure file (DIR/LiCoO2.cif) by a relative
# path, so that a sweep run from another folder must find it through sweep.toml.
write_relative_file_config() {
  mkdir -p "$1"
  cp "$SRC/configs/structures/LiCoO2.cif" "$1/LiCoO2.cif"
  cat >"$1/c.toml" <<EOC
[lattice]
type = "file"
file = "LiCoO2.cif"
mobile = ["Li"]
cells = [4, 4, 2]
[occupancy]
fraction = 0.5
[run]
hops_per_particle = 2
EOC
}
