"""clearance: policy-as-code for delivery checklists."""

import os

__version__ = "0.1.0"

# The package's data files (schemas, policies, templates) sit beside its modules;
# a path is cheaper at start-up than importlib.resources, and clearance is never zipped.
# A string, not a pathlib.Path: a commit hook does not import pathlib.
PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__))
