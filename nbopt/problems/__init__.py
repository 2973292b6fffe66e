"""Objectives with value and gradient: 2-D test functions, model problems, user functions."""
