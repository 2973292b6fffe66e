"""Drive any step-by-step engine in a background thread."""
