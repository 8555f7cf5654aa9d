"""rotation-solver: exact away-rotation plans for US-citizen IMGs in diagnostic radiology."""

__version__ = "0.1.0"
