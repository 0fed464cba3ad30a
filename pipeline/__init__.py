"""synthwatch: find where research papers use synthetic or model-generated data."""

__version__ = "0.1.0"
