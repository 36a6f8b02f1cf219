"""Exercise definitions, one module per lesson notebook (`l01` for `01_...ipynb`)."""
