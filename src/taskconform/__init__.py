"""taskconform: does this task API do exactly what its documentation promises?"""

__version__ = "0.1.0"
__all__ = ["__version__"]
