"""clearance: policy-as-code for delivery checklists."""

from pathlib import Path

__version__ = "0.1.0"

# The package's data files (schemas, policies, templates) sit beside its modules;
# a path is cheaper at start-up than importlib.resources, and clearance is never zipped.
PACKAGE_DIR = Path(__file__).resolve().parent
