"""Support package of lib_importlib_resources.py and lib_doctest.py: resource files, and a
module with doctests (one of them failing on purpose)."""
