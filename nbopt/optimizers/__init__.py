"""Gradient step rules (numpy, batched over leading axes) and ``run``."""
