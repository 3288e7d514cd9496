//! Home of the project's benchmarks. Criterion benches live in `benches/benches/`, whole-program
//! comparison scripts (pyguest vs `python3` vs `pypy3`) in `benches/scripts/`, and the Python
//! programs they run in `benches/programs/`. This library target is intentionally empty.
