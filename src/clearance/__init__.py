"""clearance: policy-as-code for delivery checklists."""

__version__ = "0.1.0"
