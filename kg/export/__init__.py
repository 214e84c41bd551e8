"""Writers for each output format: one module per format (networkx readwrite style)."""
