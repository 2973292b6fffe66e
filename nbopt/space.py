"""Search-space dimensions: Float, Int and Choice."""
