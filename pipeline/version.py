"""The version of synthwatch: a leaf module every layer may import (the package root may not be)."""

__version__ = "0.2.0"
