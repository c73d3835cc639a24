"""The frontend's texts, one module per language (``en`` is the reference)."""
