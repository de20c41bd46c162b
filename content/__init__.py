"""Banter's built-in content packs (YAML). A package only so that installs carry the files."""
