"""Interactive widgets of the course (ipywidgets 8), one module per widget."""
